// Which digests an upload gets and how they are computed: sha256 always (ETags, lookups by sha256), the
// others only when the format serves them (GitLab's supported hash types per format), and at most one
// declared digest handed to R2, which verifies it itself. Bytes are read in large pieces so the hashing
// costs a few calls per MiB rather than one per socket read.
// Spec: ../shared/reference/cloudflare.md (R2 put checksums, DigestStream); GitLab
// doc/user/packages/package_registry/supported_functionality.md ("Supported hash types").
import { toHex } from "./auth/secrets";
import { concatBytes } from "./bytes";
import { AppError } from "./errors";

export const DIGEST_ALGORITHMS = { md5: "MD5", sha1: "SHA-1", sha256: "SHA-256", sha512: "SHA-512" } as const;
export type DigestName = keyof typeof DIGEST_ALGORITHMS;
/** The digests a format may ask for on top of sha256, which every blob has. */
export type OptionalDigest = Exclude<DigestName, "sha256">;
/** A blob's digests: sha256 always, the others when its format asked for them (null otherwise). */
export type Digests = { sha256: string } & Record<OptionalDigest, string | null>;

const HEX_LENGTH: Record<DigestName, number> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

/** Bytes handed to the hashers and R2 per call: few enough calls per MiB that the per-call cost vanishes. */
export const PIECE_BYTES = 1024 * 1024;

/** The declared digests, lower-case; one that is not hex of its algorithm's length cannot match (400). */
export function normalizeDeclared(expected: Partial<Record<DigestName, string>> | undefined): Partial<Record<DigestName, string>> {
  const out: Partial<Record<DigestName, string>> = {};
  for (const name of Object.keys(DIGEST_ALGORITHMS) as DigestName[]) {
    const value = expected?.[name]?.trim().toLowerCase();
    if (!value) continue;
    if (!new RegExp(`^[0-9a-f]{${HEX_LENGTH[name]}}$`).test(value)) {
      throw new AppError("digest_mismatch", `${name} checksum mismatch: declared ${JSON.stringify(expected?.[name])}, which is not a ${name} digest`);
    }
    out[name] = value;
  }
  return out;
}

export interface DigestPlan {
  /** A declared digest R2 verifies while storing (single puts only): not computed here. */
  handToR2: DigestName | null;
  /** Taken from the `checksums.md5` R2 returns for every single put. */
  md5FromR2: boolean;
  /** Computed here while streaming. */
  compute: DigestName[];
}

/** R2 verifies one digest per put: the costliest declared one (md5 never: R2 returns it anyway). */
const HAND_TO_R2_ORDER: DigestName[] = ["sha512", "sha256", "sha1"];

/**
 * What a put computes itself. Every digest the format needs or the client declared is known afterwards:
 * the one handed to R2 (verified there), md5 from R2 on a single put, the rest hashed here. A multipart
 * put gets neither a verification nor an md5 from R2, so it hashes everything. Pure.
 */
export function planDigests(need: readonly OptionalDigest[], declared: Partial<Record<DigestName, string>>, singlePut: boolean): DigestPlan {
  const wanted = new Set<DigestName>(["sha256", ...need, ...(Object.keys(declared) as DigestName[])]);
  const handToR2 = singlePut ? (HAND_TO_R2_ORDER.find((name) => declared[name] !== undefined) ?? null) : null;
  const md5FromR2 = singlePut && wanted.has("md5");
  const compute = (Object.keys(DIGEST_ALGORITHMS) as DigestName[]).filter((name) => wanted.has(name) && name !== handToR2 && !(md5FromR2 && name === "md5"));
  return { handToR2, md5FromR2, compute };
}

/** Feeds large pieces to one DigestStream per algorithm (native hashing, one call per piece). */
export class Hasher {
  private readonly streams: [DigestName, DigestStream, WritableStreamDefaultWriter<ArrayBufferView>][];

  constructor(names: readonly DigestName[]) {
    this.streams = names.map((name) => {
      const stream = new crypto.DigestStream(DIGEST_ALGORITHMS[name]);
      return [name, stream, stream.getWriter()];
    });
  }

  async update(piece: Uint8Array): Promise<void> {
    if (piece.byteLength > 0) await Promise.all(this.streams.map(([, , writer]) => writer.write(piece)));
  }

  async finish(): Promise<Partial<Record<DigestName, string>>> {
    await Promise.all(this.streams.map(([, , writer]) => writer.close()));
    const entries = await Promise.all(this.streams.map(async ([name, stream]) => [name, toHex(await stream.digest)] as const));
    return Object.fromEntries(entries);
  }
}

/**
 * The bytes of a stream in pieces of at least `minBytes` (the last may be shorter). A byte stream (a
 * request or R2 body) fills our own buffers through BYOB `readAtLeast`; any other stream's chunks are
 * gathered. Cancels the stream when the consumer stops early or fails.
 */
export async function* readPieces(stream: ReadableStream<Uint8Array>, minBytes = PIECE_BYTES): AsyncGenerator<Uint8Array> {
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = stream.getReader({ mode: "byob" });
  } catch {
    // not a byte stream: gather its chunks
  }
  const reader = byob ?? stream.getReader();
  let finished = false;
  try {
    if (byob) {
      for (;;) {
        const { done, value } = await byob.readAtLeast(minBytes, new Uint8Array(minBytes));
        if (value && value.byteLength > 0) yield value;
        if (done) break;
      }
    } else {
      const chunks = reader as ReadableStreamDefaultReader<Uint8Array>;
      let pending: Uint8Array[] = [];
      let pendingBytes = 0;
      for (;;) {
        const { done, value } = await chunks.read();
        if (value && value.byteLength > 0) {
          pending.push(value);
          pendingBytes += value.byteLength;
        }
        if (pendingBytes > 0 && (done || pendingBytes >= minBytes)) {
          yield pending.length === 1 ? pending[0]! : concatBytes(pending, pendingBytes);
          pending = [];
          pendingBytes = 0;
        }
        if (done) break;
      }
    }
    finished = true;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
