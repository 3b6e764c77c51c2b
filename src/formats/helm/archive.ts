// Reads a chart archive (.tgz) as it streams past: gunzip (DecompressionStream) into a small tar reader
// that keeps only Chart.yaml and requirements.yaml and applies helm's archive rules to every entry
// (one top directory, no absolute or parent paths, size limits). Nothing else of the chart is kept.
// Spec: helm pkg/chart/loader/archive (LoadArchiveFiles); POSIX ustar, GNU long names and pax headers.
//
//   const inspector = new ChartInspector();
//   body.pipeThrough(inspector.tap())  -- bytes pass through unchanged; a bad archive errors the stream
//   await inspector.result             -- { chartYaml, requirementsYaml } once the stream has ended

/** A chart that helm would refuse to load (a 400 at upload). */
export class ChartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChartError";
  }
}

export interface ChartFiles {
  chartYaml: string;
  requirementsYaml: string | null;
}

/** helm's limits: the whole chart and one file, decompressed. */
export const MAX_DECOMPRESSED_CHART = 100 * 1024 * 1024;
export const MAX_DECOMPRESSED_FILE = 5 * 1024 * 1024;
/** GitLab reads at most 1 MB of Chart.yaml (Packages::Helm::ExtractFileMetadataService). */
const MAX_METADATA_FILE = 1024 * 1024;
const BLOCK = 512;

export class ChartInspector {
  readonly result: Promise<ChartFiles>;
  /** Set as soon as the archive is known to be bad, so the upload stops. */
  failure: ChartError | null = null;
  private readonly gunzip = new DecompressionStream("gzip");
  private finished = false;

  constructor() {
    this.result = readChart(this.gunzip.readable).then(
      (files) => {
        this.finished = true;
        return files;
      },
      (error: unknown) => {
        this.failure = error instanceof ChartError ? error : new ChartError("the chart is not a gzip-compressed tar archive");
        throw this.failure;
      },
    );
    this.result.catch(() => undefined); // observed by the caller after the upload
  }

  /** A pass-through stream that feeds the inspector and errors with the ChartError once the chart is known to be bad. */
  tap(): TransformStream<Uint8Array, Uint8Array> {
    const writer = this.gunzip.writable.getWriter();
    return new TransformStream<Uint8Array, Uint8Array>({
      transform: async (chunk, controller) => {
        if (!this.finished && !this.failure) {
          // Rejects once the reader has stopped (a complete archive followed by padding, or a failure).
          await writer.write(chunk).catch(() => undefined);
        }
        if (this.failure) throw this.failure;
        controller.enqueue(chunk);
      },
      flush: async () => {
        await writer.close().catch(() => undefined);
        await this.result.catch(() => undefined);
        if (this.failure) throw this.failure;
      },
    });
  }
}

/** Reads the tar inside a decompressed stream; resolves once the archive has ended. */
async function readChart(source: ReadableStream<Uint8Array>): Promise<ChartFiles> {
  const reader = new ByteReader(source.getReader());
  try {
    let chartYaml: string | null = null;
    let requirementsYaml: string | null = null;
    let files = 0;
    let remaining = MAX_DECOMPRESSED_CHART;
    let longName: string | null = null;
    let paxPath: string | null = null;
    for (;;) {
      const header = await reader.read(BLOCK);
      if (header === null) break; // end of stream at an entry boundary
      if (header.every((b) => b === 0)) break; // end-of-archive marker
      const entry = parseHeader(header);
      const padded = Math.ceil(entry.size / BLOCK) * BLOCK;
      if (entry.type === "L" || entry.type === "x" || entry.type === "g") {
        if (entry.size > 1024 * 1024) throw new ChartError("a tar extension header is too large");
        const data = await reader.readExactly(padded);
        const text = new TextDecoder().decode(data.subarray(0, entry.size));
        if (entry.type === "L") longName = text.replace(/\0.*$/s, "");
        else if (entry.type === "x") paxPath = paxRecord(text, "path") ?? paxPath;
        continue;
      }
      const name = paxPath ?? longName ?? entry.name;
      paxPath = null;
      longName = null;
      if (entry.type === "5" || (("0\0".includes(entry.type) || entry.type === "") && name.endsWith("/"))) {
        await reader.skip(padded);
        continue;
      }
      const path = chartPath(name);
      if (entry.size > remaining) throw new ChartError(`decompressed chart is larger than the maximum size ${MAX_DECOMPRESSED_CHART}`);
      if (entry.size > MAX_DECOMPRESSED_FILE) throw new ChartError(`decompressed chart file "${name}" is larger than the maximum file size ${MAX_DECOMPRESSED_FILE}`);
      remaining -= entry.size;
      files++;
      if (path === "Chart.yaml" || path === "requirements.yaml") {
        if (entry.size > MAX_METADATA_FILE) throw new ChartError(`${path} is larger than ${MAX_METADATA_FILE} bytes`);
        const data = await reader.readExactly(padded);
        const text = new TextDecoder().decode(data.subarray(0, entry.size)).replace(/^\uFEFF/, "");
        if (path === "Chart.yaml") chartYaml = text;
        else requirementsYaml = text;
      } else {
        await reader.skip(padded);
      }
    }
    if (files === 0) throw new ChartError("no files in chart archive");
    if (chartYaml === null) throw new ChartError("Chart.yaml file is missing");
    return { chartYaml, requirementsYaml };
  } finally {
    await reader.cancel();
  }
}

interface TarHeader {
  name: string;
  size: number;
  type: string;
}

function parseHeader(block: Uint8Array): TarHeader {
  const stored = octal(block.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  if (stored === null || stored !== sum) throw new ChartError("the chart is not a valid tar archive (header checksum mismatch)");
  const sizeField = block.subarray(124, 136);
  let size: number | null;
  if ((sizeField[0]! & 0x80) !== 0) {
    // GNU base-256: big-endian with the top bit set.
    size = 0;
    for (let i = 1; i < sizeField.length; i++) size = size * 256 + sizeField[i]!;
  } else size = octal(sizeField);
  if (size === null) throw new ChartError("the chart is not a valid tar archive (bad entry size)");
  let name = cString(block.subarray(0, 100));
  if (cString(block.subarray(257, 262)) === "ustar") {
    const prefix = cString(block.subarray(345, 500));
    if (prefix) name = `${prefix}/${name}`;
  }
  return { name, size, type: String.fromCharCode(block[156]!) };
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function octal(bytes: Uint8Array): number | null {
  const text = cString(bytes).trim();
  if (text === "") return 0;
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : null;
}

/** A pax extended header's record (`<length> <key>=<value>\n`). */
function paxRecord(text: string, key: string): string | null {
  let found: string | null = null;
  for (const line of text.split("\n")) {
    const m = /^\d+ ([^=]+)=(.*)$/s.exec(line);
    if (m && m[1] === key) found = m[2]!;
  }
  return found;
}

/** The entry's path inside the chart (its top directory removed), with helm's refusals. */
export function chartPath(name: string): string {
  const delimiter = name.includes("\\") ? "\\" : "/";
  const parts = name.split(delimiter);
  const inner = parts.slice(1).join("/");
  if (inner.startsWith("/")) throw new ChartError("chart illegally contains absolute paths");
  const clean = cleanPath(inner);
  if (clean === ".") throw new ChartError(`chart illegally contains content outside the base directory: "${name}"`);
  if (clean.startsWith("..")) throw new ChartError("chart illegally references parent directory");
  if (/^[a-zA-Z]:\//.test(clean)) throw new ChartError("chart contains illegally named files");
  if (parts[0] === "Chart.yaml") throw new ChartError("chart yaml not in base directory");
  return clean;
}

/** Go's path.Clean for a relative path. */
function cleanPath(path: string): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else out.push(part);
  }
  return out.length === 0 ? "." : out.join("/");
}

/** Exact reads and skips over a stream of chunks. */
class ByteReader {
  private buffer: Uint8Array = new Uint8Array(0);
  private done = false;

  constructor(private readonly source: ReadableStreamDefaultReader<Uint8Array>) {}

  /** `n` bytes, or null when the stream ends before any of them; a partial read is an error. */
  async read(n: number): Promise<Uint8Array | null> {
    while (this.buffer.length < n && !this.done) await this.pull();
    if (this.buffer.length === 0) return null;
    if (this.buffer.length < n) throw new ChartError("the chart archive is truncated");
    const out = this.buffer.slice(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  async readExactly(n: number): Promise<Uint8Array> {
    if (n === 0) return new Uint8Array(0);
    const out = await this.read(n);
    if (out === null) throw new ChartError("the chart archive is truncated");
    return out;
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.buffer.length === 0) {
        if (this.done) throw new ChartError("the chart archive is truncated");
        await this.pull();
        continue;
      }
      const take = Math.min(left, this.buffer.length);
      this.buffer = this.buffer.subarray(take);
      left -= take;
    }
  }

  async cancel() {
    await this.source.cancel().catch(() => undefined);
  }

  private async pull() {
    const { done, value } = await this.source.read();
    if (done) {
      this.done = true;
      return;
    }
    if (this.buffer.length === 0) this.buffer = value;
    else {
      const joined = new Uint8Array(this.buffer.length + value.length);
      joined.set(this.buffer);
      joined.set(value, this.buffer.length);
      this.buffer = joined;
    }
  }
}
