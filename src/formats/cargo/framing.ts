// Reads `cargo publish`'s body as it streams: u32 (little endian) JSON length, the JSON, u32 .crate length,
// the .crate. The small JSON is read into memory (with a cap); the .crate is handed on as a stream of exactly
// its declared length, so it flows into R2 without being held whole.
// Spec: https://doc.rust-lang.org/cargo/reference/registry-web-api.html#publish
//
//   framed = new FramedBody(request.body)
//   jsonLength = framed.u32(); json = framed.bytes(jsonLength)     -- refused above the cap before reading
//   crateLength = framed.u32(); crate = framed.rest(crateLength)   -- errors if the body is shorter or longer
import { AppError } from "../../core/errors";

export class FramedBody {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private done = false;

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader();
  }

  /** A little-endian u32 length prefix. */
  async u32(what: string): Promise<number> {
    const bytes = await this.bytes(4, what);
    return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  }

  /** Exactly `n` bytes (for small parts only: they are held in memory). */
  async bytes(n: number, what: string): Promise<Uint8Array> {
    while (this.pendingBytes < n && !this.done) await this.fill();
    if (this.pendingBytes < n) throw truncated(what);
    return this.take(n);
  }

  /** The rest of the body as a stream of exactly `length` bytes; it errors when the body holds fewer or more. */
  rest(length: number): ReadableStream<Uint8Array> {
    let left = length;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (left === 0) {
          while (this.pendingBytes === 0 && !this.done) await this.fill();
          if (this.pendingBytes > 0) throw new AppError("bad_request", "400 Bad request - the body is longer than the declared .crate length");
          controller.close();
          return;
        }
        while (this.pendingBytes === 0 && !this.done) await this.fill();
        if (this.pendingBytes === 0) throw truncated("the .crate file");
        const chunk = this.take(Math.min(left, this.pendingBytes));
        left -= chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel: (reason) => this.reader.cancel(reason),
    });
  }

  /** Stop reading (a refusal before the .crate is stored). */
  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }

  private async fill(): Promise<void> {
    const { done, value } = await this.reader.read();
    if (done) this.done = true;
    else if (value.byteLength > 0) {
      this.pending.push(value);
      this.pendingBytes += value.byteLength;
    }
  }

  /** Up to `n` buffered bytes, without copying when one chunk holds them. */
  private take(n: number): Uint8Array {
    const head = this.pending[0];
    if (head && head.byteLength >= n) {
      if (head.byteLength === n) this.pending.shift();
      else this.pending[0] = head.subarray(n);
      this.pendingBytes -= n;
      return head.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let offset = 0;
    while (offset < n) {
      const first = this.pending[0];
      if (!first) break;
      const want = Math.min(first.byteLength, n - offset);
      out.set(first.subarray(0, want), offset);
      offset += want;
      if (want === first.byteLength) this.pending.shift();
      else this.pending[0] = first.subarray(want);
    }
    this.pendingBytes -= offset;
    return out.subarray(0, offset);
  }
}

const truncated = (what: string) => new AppError("bad_request", `400 Bad request - the publish body ended inside ${what}`);
