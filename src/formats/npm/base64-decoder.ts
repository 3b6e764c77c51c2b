// A streaming base64 decoder for the JSON string that carries npm's tarball (pure): input arrives in
// arbitrary slices, output is the bytes of every complete 4-character group; JSON's `\/` escape and
// escaped line breaks are accepted, anything else that is not base64 is an error.

/** Why a publish body was refused (`tooLarge`: the metadata cap, answered with 413). */
export class PublishBodyError extends Error {
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

const BASE64 = new Int16Array(256).fill(-1);
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
for (let i = 0; i < ALPHABET.length; i++) BASE64[ALPHABET.charCodeAt(i)] = i;
const BACKSLASH = 0x5c;

export class Base64Decoder {
  /** the sextets of the group in progress, oldest in the high bits */
  private group = 0;
  private sextetCount = 0;
  private padded = false;
  /** a backslash ended the previous slice */
  escapePending = false;

  /** Decode `chunk[start, end)`; returns the bytes of the groups completed so far. */
  push(chunk: Uint8Array, start: number, end: number): Uint8Array {
    const out = new Uint8Array(Math.floor((end - start + this.sextetCount) / 4) * 3 + 3);
    let length = 0;
    for (let i = start; i < end; i++) {
      let b = chunk[i] ?? -1; // i < end <= chunk.length; -1 would fail the lookup below
      if (this.escapePending) {
        this.escapePending = false;
        if (b === 0x6e || b === 0x72 || b === 0x74) continue; // \n \r \t: line breaks some encoders add
        if (b !== 0x2f) throw notBase64();
        b = 0x2f; // "\/" is "/"
      } else if (b === BACKSLASH) {
        this.escapePending = true;
        continue;
      }
      if (b === 0x3d) {
        this.padded = true;
        continue;
      }
      const value = BASE64[b] ?? -1;
      if (value < 0 || this.padded) throw notBase64();
      this.group = (this.group << 6) | value;
      if (++this.sextetCount === 4) {
        const group = this.group; // 24 bits: three bytes
        out[length++] = group >> 16;
        out[length++] = (group >> 8) & 255;
        out[length++] = group & 255;
        this.group = 0;
        this.sextetCount = 0;
      }
    }
    return out.subarray(0, length);
  }

  /** The bytes of a final group of 2 or 3 characters (unpadded or padded base64). */
  finish(): Uint8Array {
    const group = this.group;
    const n = this.sextetCount;
    this.group = 0;
    this.sextetCount = 0;
    if (this.escapePending || n === 1) throw notBase64();
    if (n === 2) return Uint8Array.of(group >> 4); // 12 bits: one byte, 4 bits of padding
    if (n === 3) return Uint8Array.of(group >> 10, (group >> 2) & 255); // 18 bits: two bytes, 2 of padding
    return new Uint8Array(0);
  }
}

const notBase64 = () => new PublishBodyError("attachment data is not base64");
