// Reads a .gem while it streams into the blob store: a .gem is a plain tar (Gem::Package::TarWriter) whose
// entries are metadata.gz (the gzipped YAML gemspec), data.tar.gz and checksums.yaml.gz. The scanner keeps
// only metadata.gz (capped), skips everything else as it passes, and refuses a body that is not a tar.
// Spec: rubygems/package.rb, rubygems/package/tar_header.rb (ustar).
import { readCappedBytes } from "../../core/bytes";
import { AppError, badRequest } from "../../core/errors";

const BLOCK = 512;
/** metadata.gz of a real gem is a few KiB; big gems list thousands of files (still well under this). */
export const MAX_METADATA_GZ_BYTES = 4 * 1024 * 1024;
/** The gemspec YAML of the largest gems (thousands of files) is a few hundred KiB; parsing costs ~0.6 s of CPU per MiB. */
export const MAX_METADATA_YAML_BYTES = 2 * 1024 * 1024;
const METADATA_ENTRY = "metadata.gz";

type State = { kind: "header" } | { kind: "capture"; size: number } | { kind: "skip"; remaining: number } | { kind: "done" };

/** Feed it every chunk in order; `metadata()` afterwards gives metadata.gz's bytes. */
export class GemTarScanner {
  private state: State = { kind: "header" };
  private header = new Uint8Array(BLOCK);
  private headerFill = 0;
  private captured: Uint8Array[] = [];
  private capturedBytes = 0;
  private metadataGz: Uint8Array | null = null;
  private entries = 0;

  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.byteLength && this.state.kind !== "done") {
      const state = this.state;
      if (state.kind === "header") {
        const take = Math.min(BLOCK - this.headerFill, chunk.byteLength - offset);
        this.header.set(chunk.subarray(offset, offset + take), this.headerFill);
        this.headerFill += take;
        offset += take;
        if (this.headerFill === BLOCK) this.readHeader();
      } else if (state.kind === "capture") {
        const take = Math.min(state.size - this.capturedBytes, chunk.byteLength - offset);
        this.captured.push(chunk.slice(offset, offset + take));
        this.capturedBytes += take;
        offset += take;
        if (this.capturedBytes === state.size) this.finishCapture(state.size);
      } else if (state.kind === "skip") {
        const take = Math.min(state.remaining, chunk.byteLength - offset);
        state.remaining -= take;
        offset += take;
        if (state.remaining === 0) this.state = { kind: "header" };
      }
    }
  }

  /** metadata.gz, once the whole body went through; a 400 when the body was no gem. */
  metadata(): Uint8Array {
    if (!this.metadataGz) throw badRequest(this.entries === 0 ? "400 Bad request - the body is not a .gem (no tar header)" : "400 Bad request - the .gem has no metadata.gz");
    return this.metadataGz;
  }

  private readHeader() {
    this.headerFill = 0;
    const h = this.header;
    if (h.every((b) => b === 0)) {
      this.state = { kind: "done" }; // end-of-archive blocks
      return;
    }
    if (!checksumMatches(h)) throw badRequest("400 Bad request - the body is not a .gem (bad tar header)");
    this.entries++;
    const name = entryName(h);
    const size = octal(h.subarray(124, 136));
    if (size === null) throw badRequest("400 Bad request - the body is not a .gem (bad tar entry size)");
    const type = String.fromCharCode(h[156] ?? 0);
    if (name === METADATA_ENTRY && (type === "0" || type === "\0")) {
      if (this.metadataGz) throw badRequest("400 Bad request - the .gem has two metadata.gz entries");
      if (size > MAX_METADATA_GZ_BYTES) throw new AppError("payload_too_large", `413 metadata.gz is larger than ${MAX_METADATA_GZ_BYTES} bytes`);
      this.captured = [];
      this.capturedBytes = 0;
      this.state = { kind: "capture", size };
      if (size === 0) this.finishCapture(0);
      return;
    }
    this.state = size > 0 ? { kind: "skip", remaining: padded(size) } : { kind: "header" };
  }

  private finishCapture(size: number) {
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const part of this.captured) {
      bytes.set(part, at);
      at += part.byteLength;
    }
    this.metadataGz = bytes;
    this.captured = [];
    const padding = padded(size) - size;
    this.state = padding > 0 ? { kind: "skip", remaining: padding } : { kind: "header" };
  }
}

const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK;

function octal(field: Uint8Array): number | null {
  const text = new TextDecoder().decode(field).replace(/\0.*$/s, "").trim();
  if (!/^[0-7]+$/.test(text)) return null;
  return Number.parseInt(text, 8);
}

/** ustar: `prefix/name` when the prefix field is set. */
function entryName(h: Uint8Array): string {
  const field = (from: number, to: number) => new TextDecoder().decode(h.subarray(from, to)).replace(/\0.*$/s, "");
  const name = field(0, 100);
  const magic = field(257, 263);
  const prefix = magic.startsWith("ustar") ? field(345, 500) : "";
  return prefix ? `${prefix}/${name}` : name;
}

/** The header checksum: the sum of all bytes with the checksum field read as spaces. */
function checksumMatches(h: Uint8Array): boolean {
  const declared = octal(h.subarray(148, 156));
  if (declared === null) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
  return sum === declared;
}

/** A pass-through stream feeding the scanner, for `putBlob`. */
export function scanningStream(scanner: GemTarScanner): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      scanner.push(chunk);
      controller.enqueue(chunk);
    },
  });
}

/** The gemspec YAML: metadata.gz gunzipped, refused above MAX_METADATA_YAML_BYTES. */
export async function gunzipMetadata(gz: Uint8Array): Promise<string> {
  let bytes: Uint8Array | null;
  try {
    bytes = await readCappedBytes(new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip")), MAX_METADATA_YAML_BYTES);
  } catch {
    throw badRequest("400 Bad request - metadata.gz is not valid gzip");
  }
  if (bytes === null) throw new AppError("payload_too_large", `413 the gemspec is larger than ${MAX_METADATA_YAML_BYTES} bytes`);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw badRequest("400 Bad request - the gemspec is not UTF-8");
  }
}
