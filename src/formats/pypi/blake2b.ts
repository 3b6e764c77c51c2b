// BLAKE2b (RFC 7693), incremental: twine declares `blake2_256_digest` and WebCrypto has no BLAKE2.
// The compression function is WebAssembly (./wasm/blake2b.wat, generated; i64 arithmetic makes it
// ~10x faster than JavaScript on 32-bit halves, which matters for a multi-gigabyte wheel); this file
// keeps the buffering and the parameter block. Spec: https://www.rfc-editor.org/rfc/rfc7693
import BLAKE2B_WASM from "./wasm/blake2b.wasm";

interface Blake2bExports {
  memory: WebAssembly.Memory;
  compress(at: number, counter: bigint, last: number): void;
  compress_many(at: number, count: number, counter: bigint): void;
}

const IV = [
  0x6a09e667f3bcc908n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n,
] as const;
const BLOCK = 128;
/** Input is copied into the module's memory here (bytes 0..63 hold the state). */
const BUFFER_AT = 1024;
const BUFFER_BYTES = 64 * 1024;

/** Incremental BLAKE2b with an output of 1..64 bytes (PyPI uses 32: blake2_256). */
export class Blake2b {
  private readonly wasm: Blake2bExports;
  private readonly memory: Uint8Array;
  private readonly outLength: number;
  private filled = 0;
  /** Bytes compressed so far (exact as a double far beyond any upload). */
  private counter = 0;

  constructor(outLength = 32) {
    if (outLength < 1 || outLength > 64) throw new RangeError("BLAKE2b output length must be 1..64");
    this.outLength = outLength;
    this.wasm = new WebAssembly.Instance(BLAKE2B_WASM, {}).exports as unknown as Blake2bExports;
    this.memory = new Uint8Array(this.wasm.memory.buffer);
    const state = new DataView(this.wasm.memory.buffer);
    IV.forEach((word, i) => {
      state.setBigUint64(i * 8, word, true);
    });
    // Parameter block: digest length, no key, fanout 1, depth 1.
    state.setBigUint64(0, IV[0] ^ 0x01010000n ^ BigInt(outLength), true);
  }

  update(data: Uint8Array): this {
    let offset = 0;
    while (offset < data.length) {
      // A full buffer is compressed only once more data follows: the last block belongs to digest().
      if (this.filled === BUFFER_BYTES) this.compressBlocks(BUFFER_BYTES / BLOCK);
      const take = Math.min(BUFFER_BYTES - this.filled, data.length - offset);
      this.memory.set(data.subarray(offset, offset + take), BUFFER_AT + this.filled);
      this.filled += take;
      offset += take;
    }
    return this;
  }

  digest(): Uint8Array {
    const lastBlockAt = this.filled === 0 ? 0 : Math.floor((this.filled - 1) / BLOCK) * BLOCK;
    if (lastBlockAt > 0) this.compressBlocks(lastBlockAt / BLOCK);
    this.memory.fill(0, BUFFER_AT + this.filled, BUFFER_AT + BLOCK);
    this.wasm.compress(BUFFER_AT, BigInt(this.counter + this.filled), 1);
    return this.memory.slice(0, this.outLength);
  }

  hex(): string {
    return [...this.digest()].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  /** Compress the first `count` buffered blocks (never the final one) and keep the rest at the front. */
  private compressBlocks(count: number) {
    this.wasm.compress_many(BUFFER_AT, count, BigInt(this.counter));
    const bytes = count * BLOCK;
    this.counter += bytes;
    this.memory.copyWithin(BUFFER_AT, BUFFER_AT + bytes, BUFFER_AT + this.filled);
    this.filled -= bytes;
  }
}
