// A streaming multipart/form-data reader for any format's uploads (twine; NuGet, Helm, Composer push
// forms too): parts come one at a time, each with its bytes as a stream, so a multi-gigabyte file part
// flows to storage without being held in memory. Spec: RFC 7578 (multipart/form-data), RFC 2046 §5.1.1.
import { badRequest } from "../core/errors";
import { readCappedText } from "../core/bytes";

export interface MultipartPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  /** The part's bytes. Read it to the end (or let `next()` skip the rest) before asking for the next part. */
  body: ReadableStream<Uint8Array>;
}

export interface MultipartLimits {
  /** Largest header block of one part. */
  headerBytes: number;
  /** Most parts in one body. */
  parts: number;
}

const DEFAULT_LIMITS: MultipartLimits = { headerBytes: 16 * 1024, parts: 1000 };
/** Size of the pieces a file part is handed out in (see partBody). */
const COALESCE_BYTES = 256 * 1024;
/** Smallest buffer a BYOB fill reads into. */
const MIN_READ_BYTES = 64 * 1024;
const CRLF = new Uint8Array([13, 10]);
const HEADER_END = new Uint8Array([13, 10, 13, 10]);

/** The boundary of a `multipart/form-data` Content-Type; anything else is a 400. */
export function boundaryOf(contentType: string | null | undefined): string {
  const match = /^\s*multipart\/form-data\s*;(?:.*;)?\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? "");
  if (!match) throw badRequest("400 Bad request - expected a multipart/form-data body with a boundary");
  return match[1] ?? match[2] ?? ""; // one of the two alternatives always matches
}

export class MultipartReader {
  private readonly source: ReadableStreamDefaultReader<Uint8Array> | null;
  /** A byte stream (a request body) is read in BYOB mode straight into our own buffers (see fill). */
  private readonly byteSource: ReadableStreamBYOBReader | null;
  /** `CRLF--boundary`: every boundary, the first included once a CRLF is put in front of the body. */
  private readonly delimiter: Uint8Array;
  private readonly limits: MultipartLimits;
  /** Bytes read from the source and not yet handed out. */
  private buffer: Uint8Array = CRLF;
  private sourceDone = false;
  private finished = false;
  private partsSeen = 0;
  /** True while a part's body has not reached its closing delimiter. */
  private partOpen = false;

  constructor(body: ReadableStream<Uint8Array>, boundary: string, limits: Partial<MultipartLimits> = {}) {
    let byteSource: ReadableStreamBYOBReader | null = null;
    try {
      byteSource = body.getReader({ mode: "byob" });
    } catch {
      // not a byte stream: read chunk by chunk
    }
    this.byteSource = byteSource;
    this.source = byteSource ? null : body.getReader();
    this.delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** The next part, or null after the closing boundary. An unread rest of the previous part is skipped. */
  async next(): Promise<MultipartPart | null> {
    if (this.finished) return null;
    // Skip the preamble (first call) or what is left of the previous part, up to the next delimiter.
    for (;;) {
      const at = indexOf(this.buffer, this.delimiter, 0);
      if (at >= 0) {
        this.buffer = this.buffer.subarray(at + this.delimiter.length);
        break;
      }
      this.buffer = this.buffer.subarray(Math.max(0, this.buffer.length - this.delimiter.length + 1));
      if (!(await this.fill())) throw endedEarly();
    }
    this.partOpen = false;
    // After a delimiter: `--` closes the body; otherwise optional blanks then CRLF, then headers.
    while (this.buffer.length < 2) if (!(await this.fill())) throw endedEarly();
    if (this.buffer[0] === 45 && this.buffer[1] === 45) {
      this.finished = true;
      await (this.byteSource ?? this.source)!.cancel().catch(() => undefined); // the epilogue is ignored
      return null;
    }
    for (;;) {
      const lineEnd = indexOf(this.buffer, CRLF, 0);
      if (lineEnd >= 0) {
        if (!/^[ \t]*$/.test(latin1(this.buffer.subarray(0, lineEnd)))) throw badRequest("400 Bad request - malformed multipart boundary line");
        this.buffer = this.buffer.subarray(lineEnd + 2);
        break;
      }
      if (this.buffer.length > 256) throw badRequest("400 Bad request - malformed multipart boundary line");
      if (!(await this.fill())) throw endedEarly();
    }
    if (++this.partsSeen > this.limits.parts) throw badRequest(`400 Bad request - more than ${this.limits.parts} multipart parts`);
    const headers = parseHeaders(await this.readHeaderBlock());
    const disposition = parseDisposition(headers.get("content-disposition"));
    this.partOpen = true;
    return { ...disposition, contentType: headers.get("content-type") ?? null, body: this.partBody() };
  }

  private async readHeaderBlock(): Promise<string> {
    for (;;) {
      if (this.buffer.length >= 2 && this.buffer[0] === 13 && this.buffer[1] === 10) {
        this.buffer = this.buffer.subarray(2);
        return "";
      }
      const end = indexOf(this.buffer, HEADER_END, 0);
      if (end >= 0) {
        const block = new TextDecoder().decode(this.buffer.subarray(0, end));
        this.buffer = this.buffer.subarray(end + 4);
        return block;
      }
      if (this.buffer.length > this.limits.headerBytes) throw badRequest("400 Bad request - multipart part headers are too large");
      if (!(await this.fill())) throw endedEarly();
    }
  }

  /**
   * The current part's bytes up to (not including) the next delimiter, pulled on demand. Small socket
   * reads (twine writes 8 KiB at a time) are gathered into pieces of about COALESCE_BYTES, so a
   * gigabyte makes thousands of chunks downstream, not hundreds of thousands.
   */
  private partBody(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          for (;;) {
            if (!this.partOpen) return controller.close();
            const at = indexOf(this.buffer, this.delimiter, 0);
            if (at >= 0) {
              const bytes = this.buffer.subarray(0, at);
              this.buffer = this.buffer.subarray(at); // the delimiter stays for next()
              this.partOpen = false;
              if (bytes.length > 0) controller.enqueue(bytes);
              return controller.close();
            }
            // Hand out all but a tail that could be the start of a delimiter split across chunks.
            const safe = this.buffer.length - (this.delimiter.length - 1);
            if (safe > 0 && (this.buffer.length >= COALESCE_BYTES || this.sourceDone)) {
              controller.enqueue(this.buffer.subarray(0, safe));
              this.buffer = this.buffer.subarray(safe);
              return;
            }
            if (!(await this.fill(COALESCE_BYTES - this.buffer.length)) && safe <= 0) throw endedEarly();
          }
        },
      },
      { highWaterMark: 0 },
    );
  }

  /** Append source bytes (at least one read, until `wanted` bytes came) to the buffer; false when the source has ended. */
  private async fill(wanted = 1): Promise<boolean> {
    if (this.sourceDone) return false;
    return this.byteSource ? this.fillFromBytes(this.byteSource, wanted) : this.fillFromChunks(this.source!, wanted);
  }

  /**
   * BYOB reads land in one fresh buffer per fill, after the kept tail: no per-read allocation by the
   * runtime (8 KiB socket reads otherwise leave many small buffers for the garbage collector).
   */
  private async fillFromBytes(reader: ReadableStreamBYOBReader, wanted: number): Promise<boolean> {
    const kept = this.buffer.length;
    let target = new Uint8Array(kept + Math.max(wanted, MIN_READ_BYTES));
    target.set(this.buffer);
    let filled = kept;
    while (filled - kept < wanted && filled < target.length) {
      const { done, value } = await reader.read(new Uint8Array(target.buffer, filled));
      if (!value) throw endedEarly(); // cancelled: the buffer is gone with it
      target = new Uint8Array(value.buffer); // the same memory, handed back
      if (done) {
        this.sourceDone = true;
        break;
      }
      filled += value.byteLength;
    }
    this.buffer = target.subarray(0, filled);
    return filled > kept;
  }

  private async fillFromChunks(reader: ReadableStreamDefaultReader<Uint8Array>, wanted: number): Promise<boolean> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (total < wanted) {
      const { done, value } = await reader.read();
      if (done) {
        this.sourceDone = true;
        break;
      }
      chunks.push(value);
      total += value.byteLength;
    }
    if (total === 0) return false;
    const [only] = chunks;
    if (this.buffer.length === 0 && chunks.length === 1 && only) {
      this.buffer = only;
    } else {
      const joined = new Uint8Array(this.buffer.length + total);
      joined.set(this.buffer);
      let offset = this.buffer.length;
      for (const chunk of chunks) {
        joined.set(chunk, offset);
        offset += chunk.byteLength;
      }
      this.buffer = joined;
    }
    return true;
  }
}

/** Read a small part as UTF-8 text, refusing more than `maxBytes`. */
export async function readPartText(part: MultipartPart, maxBytes: number): Promise<string> {
  const text = await readCappedText(part.body, maxBytes);
  if (text === null) throw badRequest(`400 Bad request - field ${part.name} is longer than ${maxBytes} bytes`);
  return text;
}

/** Position of `needle` in `haystack` from `from`, or -1 (native indexOf finds candidates for the first byte). */
function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  if (first === undefined) return -1;
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i >= 0 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** `form-data; name="content"; filename="x.whl"` (quoted strings may escape with a backslash; RFC 5987 `filename*`). */
export function parseDisposition(value: string | undefined): { name: string; filename: string | null } {
  if (!value || !/^\s*form-data\s*(;|$)/i.test(value)) throw badRequest("400 Bad request - multipart part without Content-Disposition: form-data");
  const params = new Map<string, string>();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const [, key = "", quoted, bare = ""] = m;
    params.set(key.toLowerCase(), quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : bare.trim());
  }
  const name = params.get("name");
  if (name === undefined) throw badRequest("400 Bad request - multipart part without a name");
  let filename = params.get("filename") ?? null;
  const extended = params.get("filename*");
  if (extended) {
    const m = /^[\w-]*'[\w-]*'(.*)$/.exec(extended);
    try {
      filename = decodeURIComponent(m?.[1] ?? extended);
    } catch {
      throw badRequest("400 Bad request - malformed filename* in multipart part");
    }
  }
  return { name, filename };
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

const endedEarly = () => badRequest("400 Bad request - the multipart body ended before its closing boundary");
