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
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".split("").forEach((ch, i) => (BASE64[ch.charCodeAt(0)] = i));
const BACKSLASH = 0x5c;

export class Base64Decoder {
  private sextets = new Uint8Array(4);
  private sextetCount = 0;
  private padded = false;
  /** a backslash ended the previous slice */
  escapePending = false;

  /** Decode `chunk[start, end)`; returns the bytes of the groups completed so far. */
  push(chunk: Uint8Array, start: number, end: number): Uint8Array {
    const out = new Uint8Array(Math.floor((end - start + this.sextetCount) / 4) * 3 + 3);
    let length = 0;
    const sextets = this.sextets;
    for (let i = start; i < end; i++) {
      let b = chunk[i];
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
      const value = BASE64[b];
      if (value < 0 || this.padded) throw notBase64();
      sextets[this.sextetCount++] = value;
      if (this.sextetCount === 4) {
        out[length++] = (sextets[0] << 2) | (sextets[1] >> 4);
        out[length++] = ((sextets[1] & 15) << 4) | (sextets[2] >> 2);
        out[length++] = ((sextets[2] & 3) << 6) | sextets[3];
        this.sextetCount = 0;
      }
    }
    return out.subarray(0, length);
  }

  /** The bytes of a final group of 2 or 3 characters (unpadded or padded base64). */
  finish(): Uint8Array {
    const s = this.sextets;
    const n = this.sextetCount;
    this.sextetCount = 0;
    if (this.escapePending || n === 1) throw notBase64();
    if (n === 2) return Uint8Array.of((s[0] << 2) | (s[1] >> 4));
    if (n === 3) return Uint8Array.of((s[0] << 2) | (s[1] >> 4), ((s[1] & 15) << 4) | (s[2] >> 2));
    return new Uint8Array(0);
  }
}

const notBase64 = () => new PublishBodyError("attachment data is not base64");
