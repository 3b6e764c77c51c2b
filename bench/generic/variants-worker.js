// Where upload time goes (bench/generic/variants.mjs): the same 100 MB PUT stored into R2 through each way
// of piping and hashing it, in a Worker with nothing else (no auth, no D1).
//   PUT /bare/:key                 request.body straight into put (the baseline)
//   PUT /r2-verified/:key?sha256=  the same, with R2 verifying a declared sha256
//   PUT /transform/:key?d=…        a JS TransformStream awaiting one DigestStream write per digest per chunk,
//                                  then a FixedLengthStream (what putBlob did before)
//   PUT /tee/:key?d=…              request.body.tee() per digest, each branch piped into a DigestStream
//   PUT /pieces/:key?d=…           BYOB readAtLeast(1 MiB) pieces, one DigestStream write per digest per piece,
//                                  into a FixedLengthStream (what putBlob does now)
//   PUT /cpu?d=…&chunk=            hashing alone: the body in memory, digested in `chunk`-byte writes
// Every answer is JSON: milliseconds inside the Worker, chunk or piece counts, the digests (hex).
const ALGORITHMS = { md5: "MD5", sha1: "SHA-1", sha256: "SHA-256", sha512: "SHA-512" };
const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

function digestStreams(names) {
  return names.map((name) => {
    const stream = new crypto.DigestStream(ALGORITHMS[name]);
    return { name, stream, writer: stream.getWriter() };
  });
}
const finish = async (hashers) => {
  await Promise.all(hashers.map((h) => h.writer.close()));
  return Object.fromEntries(await Promise.all(hashers.map(async (h) => [h.name, hex(await h.stream.digest)])));
};

async function viaTransform(env, key, body, length, names) {
  const hashers = digestStreams(names);
  let chunks = 0;
  const transform = new TransformStream({
    async transform(chunk, controller) {
      chunks++;
      await Promise.all(hashers.map((h) => h.writer.write(chunk)));
      controller.enqueue(chunk);
    },
  });
  const fixed = new FixedLengthStream(length);
  await Promise.all([body.pipeThrough(transform).pipeTo(fixed.writable), env.BLOBS.put(key, fixed.readable)]);
  return { chunks, digests: await finish(hashers) };
}

async function viaTee(env, key, body, names) {
  const piping = [];
  const digests = [];
  let rest = body;
  for (const name of names) {
    const [keep, branch] = rest.tee();
    const stream = new crypto.DigestStream(ALGORITHMS[name]);
    piping.push(branch.pipeTo(stream));
    digests.push([name, stream]);
    rest = keep;
  }
  await Promise.all([env.BLOBS.put(key, rest), ...piping]);
  return { digests: Object.fromEntries(await Promise.all(digests.map(async ([name, stream]) => [name, hex(await stream.digest)]))) };
}

async function viaPieces(env, key, body, length, names) {
  const hashers = digestStreams(names);
  const fixed = new FixedLengthStream(length);
  const writer = fixed.writable.getWriter();
  const putting = env.BLOBS.put(key, fixed.readable);
  const reader = body.getReader({ mode: "byob" });
  let pieces = 0;
  let pending = Promise.resolve();
  for (;;) {
    const { done, value } = await reader.readAtLeast(1 << 20, new Uint8Array(1 << 20));
    if (value?.byteLength) {
      pieces++;
      await pending;
      pending = Promise.all([writer.write(value), ...hashers.map((h) => h.writer.write(value))]);
    }
    if (done) break;
  }
  await pending;
  await writer.close();
  await putting;
  return { pieces, digests: await finish(hashers) };
}

async function hashingAlone(request, names, chunk) {
  const bytes = new Uint8Array(await request.arrayBuffer());
  const ms = {};
  for (const name of names) {
    const start = Date.now();
    const [h] = digestStreams([name]);
    for (let offset = 0; offset < bytes.byteLength; offset += chunk) await h.writer.write(bytes.subarray(offset, offset + chunk));
    await finish([h]);
    ms[name] = Date.now() - start;
  }
  return { hashMs: ms };
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const [, variant, key] = url.pathname.split("/");
    const names = (url.searchParams.get("d") ?? "sha256").split(",").filter(Boolean);
    const length = Number(request.headers.get("content-length"));
    const start = Date.now();
    let out;
    if (variant === "bare") await env.BLOBS.put(key, request.body);
    else if (variant === "r2-verified") await env.BLOBS.put(key, request.body, { sha256: url.searchParams.get("sha256") });
    else if (variant === "transform") out = await viaTransform(env, key, request.body, length, names);
    else if (variant === "tee") out = await viaTee(env, key, request.body, names);
    else if (variant === "pieces") out = await viaPieces(env, key, request.body, length, names);
    else if (variant === "cpu") out = await hashingAlone(request, names, Number(url.searchParams.get("chunk") ?? 1 << 20));
    else return new Response("not found", { status: 404 });
    return Response.json({ ms: Date.now() - start, ...out }, { status: 201 });
  },
};
