// Reads the control file of a .deb (an ar archive: debian-binary, control.tar[.gz|.xz|.zst], data.tar.*)
// from a stream, stopping after the control member: the data member is never read here.
// Spec: deb(5), deb-control(5); ar(5) common format; POSIX ustar.
import { concatBytes, readCappedBytes } from "../../core/bytes";

import { Decompress as ZstdDecompress } from "fzstd";
import { decodeXz, XzError } from "./xz";

const AR_MAGIC = "!<arch>\n";
const MAX_CONTROL_MEMBER = 4 * 1024 * 1024;
const MAX_CONTROL_FILE = 1024 * 1024;
const MAX_CONTROL_TAR = 16 * 1024 * 1024;

/** Pulls exact byte counts out of a stream (chunks are joined once per read, not once per chunk). */
class ByteReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }
  async read(n: number): Promise<Uint8Array | null> {
    while (this.buffered < n) {
      const { value, done } = await this.reader.read();
      if (done) return null;
      this.chunks.push(value);
      this.buffered += value.byteLength;
    }
    const all = this.chunks.length === 1 ? this.chunks[0]! : concatBytes(this.chunks, this.buffered);
    const out = all.slice(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.byteLength > 0 ? [rest] : [];
    this.buffered = rest.byteLength;
    return out;
  }
  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }
}

const ascii = (b: Uint8Array) => new TextDecoder("latin1").decode(b);

export class DebError extends Error {}

/** The text of `./control` in the package's control member; always releases the stream. */
export async function readDebControl(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = new ByteReader(stream);
  try {
    const magic = await reader.read(8);
    if (!magic || ascii(magic) !== AR_MAGIC) throw new DebError("not a Debian package (no ar header)");
    for (let member = 0; member < 3; member++) {
      const header = await reader.read(60);
      if (!header) break;
      const name = ascii(header.slice(0, 16)).trim().replace(/\/$/, "");
      const size = Number.parseInt(ascii(header.slice(48, 58)).trim(), 10);
      if (!Number.isFinite(size) || size < 0) throw new DebError("corrupt ar member header");
      if (name.startsWith("control.tar")) {
        if (size > MAX_CONTROL_MEMBER) throw new DebError("control member too large");
        const bytes = await reader.read(size);
        if (!bytes) throw new DebError("truncated control member");
        return controlFromTar(await decompress(name, bytes));
      }
      if (name !== "debian-binary") throw new DebError(`unexpected ar member ${name}`);
      if (!(await reader.read(size + (size % 2)))) throw new DebError("truncated ar member");
    }
    throw new DebError("no control member in the package");
  } finally {
    await reader.cancel();
  }
}

async function decompress(name: string, bytes: Uint8Array): Promise<Uint8Array> {
  if (name === "control.tar") return bytes;
  if (name === "control.tar.gz") return inflate(bytes, "gzip");
  if (name === "control.tar.zst") return unzstd(bytes);
  if (name === "control.tar.xz") return unxz(bytes);
  throw new DebError(`${name} is not a control member dpkg-deb writes (gzip, xz, zstd or none)`);
}

/** xz (dpkg-deb's default), decoded only until ./control is complete in the tar. */
async function unxz(bytes: Uint8Array): Promise<Uint8Array> {
  try {
    return await decodeXz(bytes, { maxOutput: MAX_CONTROL_TAR, stop: (tar) => controlInTar(tar) !== null });
  } catch (error) {
    if (error instanceof XzError) throw new DebError(`corrupt control.tar.xz: ${error.message}`);
    throw error;
  }
}

/** zstd (Ubuntu's default) with fzstd, streamed so the inflated size is capped. */
function unzstd(bytes: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const stream = new ZstdDecompress((chunk) => {
      total += chunk.byteLength;
      if (total > MAX_CONTROL_TAR) throw new DebError("control member inflates too large");
      chunks.push(chunk);
    });
    stream.push(bytes, true);
  } catch (error) {
    if (error instanceof DebError) throw error;
    throw new DebError(`corrupt control.tar.zst: ${(error as Error).message}`);
  }
  return concatBytes(chunks, total);
}

async function inflate(bytes: Uint8Array, format: "gzip" | "deflate"): Promise<Uint8Array> {
  let inflated: Uint8Array | null;
  try {
    inflated = await readCappedBytes(new Blob([bytes]).stream().pipeThrough(new DecompressionStream(format)), MAX_CONTROL_TAR);
  } catch (error) {
    throw new DebError(`corrupt control member: ${(error as Error).message}`);
  }
  if (inflated === null) throw new DebError("control member inflates too large");
  return inflated;
}

/** `./control` from a tar archive (ustar, GNU and pax headers are skipped over). */
export function controlFromTar(tar: Uint8Array): string {
  const control = controlInTar(tar);
  if (control === null) throw new DebError("no control file in the control member");
  return control;
}

/** `./control` if the tar (or the part of it decoded so far) holds it whole, else null. */
function controlInTar(tar: Uint8Array): string | null {
  let offset = 0;
  while (offset + 512 <= tar.byteLength) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const name = ascii(header.subarray(0, 100)).replace(/\0.*$/s, "");
    const prefix = ascii(header.subarray(345, 500)).replace(/\0.*$/s, "");
    const size = Number.parseInt(ascii(header.subarray(124, 136)).replace(/\0.*$/s, "").trim() || "0", 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const full = (prefix ? `${prefix}/${name}` : name).replace(/^\.\//, "");
    if (!Number.isFinite(size) || size < 0) throw new DebError("corrupt tar header in the control member");
    offset += 512;
    if (full === "control" && (type === "0" || type === "\0")) {
      if (size > MAX_CONTROL_FILE) throw new DebError("control file too large");
      if (offset + size > tar.byteLength) return null;
      return new TextDecoder().decode(tar.subarray(offset, offset + size));
    }
    offset += Math.ceil(size / 512) * 512;
  }
  return null;
}
