// Reads npm's publish body as a stream: the JSON document stays in memory (capped) while the base64
// tarball is decoded straight into `putBlob` (R2 multipart, unknown length), so memory stays flat.
//
//   for each request chunk: scanner.push(chunk)
//     attachment_start -> open a TransformStream; putBlob(readable, contentLength: null) starts reading it
//     attachment_bytes -> await writer.write(bytes)      (backpressure from R2 uploads)
//     attachment_end   -> close the writer; await the stored blob
//   any failure -> abort the writer (putBlob then deletes its object and row), discard a finished blob, rethrow
import type { StoredBlob } from "../../core/blobs";
import type { Registry } from "../../core/registry";
import { AppError } from "../../core/errors";
import { PublishBodyError, PublishBodyScanner } from "./parse-publish-body";

/** Cap on the publish document without its attachment (readme and all manifest fields). */
export const MAX_PUBLISH_METADATA_BYTES = 8 * 1024 * 1024;

export interface ReceivedPublish {
  document: unknown;
  blob: StoredBlob | null;
  attachmentName: string | null;
}

/** Where the attachment goes: the request's registry context (its blob store). */
export type BlobSink = Pick<Registry, "putBlob" | "discardBlob">;

export async function receivePublishBody(sink: BlobSink, body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<ReceivedPublish> {
  if (!body) throw new AppError("bad_request", "400 Bad request - the publish body is empty");
  const scanner = new PublishBodyScanner(MAX_PUBLISH_METADATA_BYTES);
  const reader = body.getReader();
  let writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  let upload: Promise<StoredBlob> | null = null;
  let blob: StoredBlob | null = null;
  let attachmentName: string | null = null;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const event of scanner.push(value)) {
        if (event.kind === "attachment_start") {
          if (upload) throw new AppError("bad_request", "400 Bad request - only one attachment (one version) may be published at a time");
          attachmentName = event.name;
          const pipe = new TransformStream<Uint8Array, Uint8Array>();
          writer = pipe.writable.getWriter();
          // dist.shasum (sha1) and dist.integrity (sha512) of the packument.
          upload = sink.putBlob(pipe.readable, { contentLength: null, maxBytes, contentType: "application/octet-stream", digests: ["sha1", "sha512"] });
          upload.catch(() => undefined); // observed below; avoids an unhandled rejection while bytes still flow
        } else if (event.kind === "attachment_bytes") {
          await writer!.write(event.bytes);
        } else {
          await writer!.close();
          writer = null;
          blob = await upload!;
        }
      }
    }
    const document = scanner.finish();
    return { document, blob, attachmentName };
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (writer) await writer.abort(error).catch(() => undefined);
    if (upload && !blob) {
      // putBlob removes its own object and row when its stream fails; its error is the better one (413).
      const uploadError = await upload.then(() => null, (e: unknown) => e);
      if (uploadError instanceof AppError && !(error instanceof AppError)) throw uploadError;
    }
    if (blob) await sink.discardBlob(blob);
    throw toAppError(error);
  }
}

function toAppError(error: unknown): unknown {
  if (error instanceof PublishBodyError) {
    return new AppError(error.tooLarge ? "payload_too_large" : "bad_request", `${error.tooLarge ? "413" : "400 Bad request -"} ${error.message}`);
  }
  return error;
}
