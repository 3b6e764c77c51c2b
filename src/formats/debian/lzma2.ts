// An LZMA2 decoder (the filter of every .xz that dpkg-deb writes), pure TypeScript for workerd: no npm
// package decodes xz there without Node built-ins or WebAssembly compiled at run time (docs/formats/debian.md).
// The output buffer is the dictionary; it grows up to a cap, so memory is bounded by the caller.
// Spec: the LZMA specification (lzma-specification.txt in the LZMA SDK) and the .xz file format, §5.3.1 (LZMA2).

export class XzError extends Error {}

const STATES = 12;
const POS_STATES_MAX = 16;
const LEN_TO_POS_STATES = 4;
const ALIGN_BITS = 4;
const END_POS_MODEL_INDEX = 14;
const FULL_DISTANCES = 128;
const MATCH_MIN_LEN = 2;
const PROB_INIT = 1024;

/** The range decoder over one LZMA chunk's compressed bytes. */
class RangeDecoder {
  private range = 0xffffffff;
  private code = 0;
  constructor(
    private readonly input: Uint8Array,
    private pos: number,
    private readonly end: number,
  ) {
    if (this.next() !== 0) throw new XzError("corrupt LZMA2 data (range coder)");
    for (let i = 0; i < 4; i++) this.code = this.code * 256 + this.next();
    if (this.code === this.range) throw new XzError("corrupt LZMA2 data (range coder)");
  }
  private next(): number {
    if (this.pos >= this.end) throw new XzError("truncated LZMA2 chunk");
    return this.input[this.pos++]!;
  }
  private normalize(): void {
    if (this.range < 0x1000000) {
      this.range *= 256;
      this.code = this.code * 256 + this.next();
    }
  }
  bit(probs: Uint16Array, i: number): number {
    const p = probs[i]!;
    const bound = (this.range >>> 11) * p;
    let bit: number;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      bit = 0;
    } else {
      this.range -= bound;
      this.code -= bound;
      probs[i] = p - (p >>> 5);
      bit = 1;
    }
    this.normalize();
    return bit;
  }
  direct(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) {
      this.range = this.range >>> 1;
      let bit = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        bit = 1;
      }
      this.normalize();
      value = value * 2 + bit;
    }
    return value;
  }
  tree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = m * 2 + this.bit(probs, base + m);
    return m - (1 << bits);
  }
  reverseTree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    let symbol = 0;
    for (let i = 0; i < bits; i++) {
      const bit = this.bit(probs, base + m);
      m = m * 2 + bit;
      symbol |= bit << i;
    }
    return symbol;
  }
  /** The chunk ended where its header said, and the encoder's flush left the code at zero. */
  finished(): boolean {
    return this.pos === this.end && this.code === 0;
  }
}

/** choice, choice2, low[16][8], mid[16][8], high[256] in one array. */
const LEN_CHOICE = 0;
const LEN_CHOICE2 = 1;
const LEN_LOW = 2;
const LEN_MID = LEN_LOW + POS_STATES_MAX * 8;
const LEN_HIGH = LEN_MID + POS_STATES_MAX * 8;
const LEN_PROBS = LEN_HIGH + 256;

function decodeLength(rc: RangeDecoder, probs: Uint16Array, posState: number): number {
  if (rc.bit(probs, LEN_CHOICE) === 0) return rc.tree(probs, LEN_LOW + posState * 8, 3);
  if (rc.bit(probs, LEN_CHOICE2) === 0) return 8 + rc.tree(probs, LEN_MID + posState * 8, 3);
  return 16 + rc.tree(probs, LEN_HIGH, 8);
}

/** The LZMA decoder state that LZMA2 chunks share (probabilities, state, rep distances, lc/lp/pb). */
class LzmaState {
  lc = 0;
  lp = 0;
  pb = 0;
  state = 0;
  reps = [0, 0, 0, 0];
  isMatch = new Uint16Array(STATES * POS_STATES_MAX);
  isRep = new Uint16Array(STATES);
  isRepG0 = new Uint16Array(STATES);
  isRepG1 = new Uint16Array(STATES);
  isRepG2 = new Uint16Array(STATES);
  isRep0Long = new Uint16Array(STATES * POS_STATES_MAX);
  posSlot = new Uint16Array(LEN_TO_POS_STATES * 64);
  posSpecial = new Uint16Array(1 + FULL_DISTANCES - END_POS_MODEL_INDEX);
  align = new Uint16Array(1 << ALIGN_BITS);
  len = new Uint16Array(LEN_PROBS);
  repLen = new Uint16Array(LEN_PROBS);
  literal = new Uint16Array(0x300);

  setProperties(byte: number): void {
    if (byte > 224) throw new XzError("corrupt LZMA2 properties");
    this.pb = Math.floor(byte / 45);
    this.lp = Math.floor((byte % 45) / 9);
    this.lc = byte % 9;
    if (this.lc + this.lp > 4) throw new XzError("corrupt LZMA2 properties (lc + lp > 4)");
    this.literal = new Uint16Array(0x300 << (this.lc + this.lp));
  }

  reset(): void {
    this.state = 0;
    this.reps = [0, 0, 0, 0];
    for (const probs of [this.isMatch, this.isRep, this.isRepG0, this.isRepG1, this.isRepG2, this.isRep0Long, this.posSlot, this.posSpecial, this.align, this.len, this.repLen, this.literal]) {
      probs.fill(PROB_INIT);
    }
  }
}

/** The growing output; `start` is where the dictionary was last reset (matches may not reach before it). */
class Output {
  bytes = new Uint8Array(64 * 1024);
  length = 0;
  start = 0;
  constructor(private readonly max: number) {}
  reserve(n: number): void {
    const need = this.length + n;
    if (need > this.max) throw new XzError("xz data inflates too large");
    if (need <= this.bytes.byteLength) return;
    const next = new Uint8Array(Math.min(this.max, Math.max(need, this.bytes.byteLength * 2)));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}

function decodeLzmaChunk(rc: RangeDecoder, s: LzmaState, out: Output, size: number): void {
  out.reserve(size);
  const buf = out.bytes;
  const end = out.length + size;
  const pbMask = (1 << s.pb) - 1;
  const lpMask = (1 << s.lp) - 1;
  let pos = out.length;
  let state = s.state;
  let [rep0, rep1, rep2, rep3] = s.reps as [number, number, number, number];
  while (pos < end) {
    const dictPos = pos - out.start;
    const posState = dictPos & pbMask;
    if (rc.bit(s.isMatch, state * POS_STATES_MAX + posState) === 0) {
      const prev = dictPos > 0 ? buf[pos - 1]! : 0;
      const base = 0x300 * (((dictPos & lpMask) << s.lc) + (prev >>> (8 - s.lc)));
      let symbol = 1;
      if (state >= 7) {
        if (rep0 >= dictPos) throw new XzError("corrupt LZMA2 data (distance)");
        let matchByte = buf[pos - rep0 - 1]!;
        while (symbol < 0x100) {
          const matchBit = (matchByte >>> 7) & 1;
          matchByte <<= 1;
          const bit = rc.bit(s.literal, base + ((1 + matchBit) << 8) + symbol);
          symbol = (symbol << 1) | bit;
          if (matchBit !== bit) break;
        }
      }
      while (symbol < 0x100) symbol = (symbol << 1) | rc.bit(s.literal, base + symbol);
      buf[pos++] = symbol & 0xff;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      continue;
    }
    let len: number;
    if (rc.bit(s.isRep, state) === 1) {
      if (dictPos === 0) throw new XzError("corrupt LZMA2 data (rep at start)");
      if (rc.bit(s.isRepG0, state) === 0) {
        if (rc.bit(s.isRep0Long, state * POS_STATES_MAX + posState) === 0) {
          if (rep0 >= dictPos) throw new XzError("corrupt LZMA2 data (distance)");
          state = state < 7 ? 9 : 11;
          buf[pos] = buf[pos - rep0 - 1]!;
          pos++;
          continue;
        }
      } else {
        let dist: number;
        if (rc.bit(s.isRepG1, state) === 0) dist = rep1;
        else {
          if (rc.bit(s.isRepG2, state) === 0) dist = rep2;
          else {
            dist = rep3;
            rep3 = rep2;
          }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = dist;
      }
      len = decodeLength(rc, s.repLen, posState);
      state = state < 7 ? 8 : 11;
    } else {
      rep3 = rep2;
      rep2 = rep1;
      rep1 = rep0;
      len = decodeLength(rc, s.len, posState);
      state = state < 7 ? 7 : 10;
      rep0 = decodeDistance(rc, s, len);
    }
    len += MATCH_MIN_LEN;
    if (rep0 >= dictPos) throw new XzError("corrupt LZMA2 data (distance)");
    if (pos + len > end) throw new XzError("corrupt LZMA2 data (match past the chunk)");
    for (let from = pos - rep0 - 1, stop = pos + len; pos < stop; ) buf[pos++] = buf[from++]!;
  }
  s.state = state;
  s.reps = [rep0, rep1, rep2, rep3];
  out.length = pos;
}

function decodeDistance(rc: RangeDecoder, s: LzmaState, len: number): number {
  const lenState = Math.min(len, LEN_TO_POS_STATES - 1);
  const slot = rc.tree(s.posSlot, lenState * 64, 6);
  if (slot < 4) return slot;
  const directBits = (slot >>> 1) - 1;
  const base = (2 | (slot & 1)) * 2 ** directBits;
  if (slot < END_POS_MODEL_INDEX) return base + rc.reverseTree(s.posSpecial, base - slot, directBits);
  return base + rc.direct(directBits - ALIGN_BITS) * 16 + rc.reverseTree(s.align, 0, ALIGN_BITS);
}

/**
 * Decodes one LZMA2 stream starting at `offset` into `out`; returns where it ended (after the end marker).
 * `stop` is asked after each chunk whether enough has been decoded (the caller's reader found what it needs).
 */
export function decodeLzma2(input: Uint8Array, offset: number, end: number, out: Output, stop?: () => boolean): { end: number; stopped: boolean } {
  const s = new LzmaState();
  let pos = offset;
  let needDictReset = true;
  let needProps = true;
  const byte = () => {
    if (pos >= end) throw new XzError("truncated LZMA2 data");
    return input[pos++]!;
  };
  for (;;) {
    const control = byte();
    if (control === 0x00) return { end: pos, stopped: false };
    if (control === 0x01 || control >= 0xe0) {
      out.start = out.length;
      needDictReset = false;
      needProps = true;
    } else if (needDictReset) throw new XzError("corrupt LZMA2 data (no dictionary reset)");
    if (control === 0x01 || control === 0x02) {
      const size = byte() * 256 + byte() + 1;
      if (pos + size > end) throw new XzError("truncated LZMA2 data");
      out.reserve(size);
      out.bytes.set(input.subarray(pos, pos + size), out.length);
      out.length += size;
      pos += size;
    } else if (control >= 0x80) {
      const size = (control & 0x1f) * 65536 + byte() * 256 + byte() + 1;
      const packed = byte() * 256 + byte() + 1;
      if (control >= 0xc0) {
        s.setProperties(byte());
        needProps = false;
      } else if (needProps) throw new XzError("corrupt LZMA2 data (no properties)");
      if (control >= 0xa0) s.reset();
      if (pos + packed > end) throw new XzError("truncated LZMA2 data");
      const rc = new RangeDecoder(input, pos, pos + packed);
      decodeLzmaChunk(rc, s, out, size);
      if (!rc.finished()) throw new XzError("corrupt LZMA2 data (chunk size)");
      pos += packed;
    } else {
      throw new XzError("corrupt LZMA2 data (control byte)");
    }
    if (stop?.()) return { end: pos, stopped: true };
  }
}

export { Output as Lzma2Output };
