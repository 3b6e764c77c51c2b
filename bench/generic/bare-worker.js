// The baseline for bench/generic/run.mjs: a bare Worker that only streams request bodies into R2 and
// objects back out (no auth, no D1, no hashing), single puts and multipart parts.
// GET /hash/:key?range=<bytes> reads an object back in ranges through a SHA-256 DigestStream (the
// cost of verifying a chunked upload, measured without Packyard).
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const [, kind, key, uploadId, part] = url.pathname.split("/");
    if (kind === "obj" && request.method === "PUT") {
      await env.BLOBS.put(key, request.body);
      return new Response("stored", { status: 201 });
    }
    if (kind === "obj" && request.method === "GET") {
      const object = await env.BLOBS.get(key);
      if (!object) return new Response("not found", { status: 404 });
      return new Response(object.body, { headers: { "content-length": String(object.size) } });
    }
    if (kind === "hash") {
      const head = await env.BLOBS.head(key);
      const step = Number(url.searchParams.get("range") ?? "0") || head.size;
      const digest = new crypto.DigestStream("SHA-256");
      for (let offset = 0; offset < head.size; offset += step) {
        const object = await env.BLOBS.get(key, { range: { offset, length: Math.min(step, head.size - offset) } });
        await object.body.pipeTo(digest, { preventClose: true });
      }
      const writer = digest.getWriter();
      await writer.close();
      const hex = [...new Uint8Array(await digest.digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
      return new Response(hex);
    }
    if (kind === "mpu" && request.method === "POST" && !uploadId) {
      const upload = await env.BLOBS.createMultipartUpload(key);
      return Response.json({ uploadId: upload.uploadId });
    }
    if (kind === "mpu" && uploadId) {
      const upload = env.BLOBS.resumeMultipartUpload(key, uploadId);
      if (request.method === "PUT") return Response.json(await upload.uploadPart(Number(part), request.body));
      if (request.method === "POST") {
        await upload.complete(await request.json());
        return new Response("stored", { status: 201 });
      }
    }
    return new Response("not found", { status: 404 });
  },
};
