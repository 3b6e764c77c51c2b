// A pure writer of Ruby's Marshal format 4.8 for the values RubyGems indexes hold: nil, booleans, Fixnums,
// strings (UTF-8, US-ASCII or binary), symbols, arrays, hashes, plain objects (`o`), `marshal_dump`
// objects (`U`: Gem::Version, Gem::Requirement), `_dump` objects (`u`: Gem::Specification, Time).
// Spec: https://docs.ruby-lang.org/en/3.1/marshal_rdoc.html and marshal.c (w_object). Tested byte for
// byte against Ruby's own Marshal.dump (test/formats/rubygems/marshal.test.ts).
//
// Object links: Ruby numbers every non-immediate object it writes and writes a second reference to the same
// object as `@<index>`. The writer numbers objects in Ruby's order and links only values wrapped in one
// `shared(...)` instance written twice (Gem::Specification's original and new platform are one string).

export type RubyValue =
  | null
  | boolean
  | number
  /** A UTF-8 string (`I"…` with `E: true`), as Psych and RubyGems make them. */
  | string
  | RubyValue[]
  | RubySymbol
  | RubyString
  | RubyHash
  | RubyObject
  | RubyUserMarshal
  | RubyUserDef
  | RubyShared;

export class RubySymbol {
  constructor(readonly name: string) {}
}
/** A string in another encoding than UTF-8: US-ASCII (`E: false`) or binary (no encoding ivar). */
export class RubyString {
  constructor(
    readonly bytes: Uint8Array,
    readonly encoding: "US-ASCII" | "ASCII-8BIT",
  ) {}
}
export class RubyHash {
  constructor(readonly entries: [RubyValue, RubyValue][]) {}
}
/** `o`: an object dumped by its instance variables (names with the `@`). */
export class RubyObject {
  constructor(
    readonly className: string,
    readonly ivars: [string, RubyValue][],
  ) {}
}
/** `U`: an object whose `marshal_dump` returned `data`. */
export class RubyUserMarshal {
  constructor(
    readonly className: string,
    readonly data: RubyValue,
  ) {}
}
/** `u`: an object whose `_dump` returned these bytes (with instance variables of that string, if any). */
export class RubyUserDef {
  constructor(
    readonly className: string,
    readonly bytes: Uint8Array,
    readonly ivars: [string, RubyValue][] = [],
  ) {}
}
/** A value Ruby holds as one object in several places: the second write is a link to the first. */
export class RubyShared {
  constructor(readonly value: RubyValue) {}
}

export const sym = (name: string) => new RubySymbol(name);
export const asciiString = (text: string) => new RubyString(new TextEncoder().encode(text), "US-ASCII");
export const shared = (value: RubyValue) => new RubyShared(value);

const FIXNUM_MIN = -(2 ** 30);
const FIXNUM_MAX = 2 ** 30 - 1;

/** `Marshal.dump(value)`. */
export function marshalDump(value: RubyValue): Uint8Array {
  const writer = new MarshalWriter();
  writer.byte(4);
  writer.byte(8);
  writer.value(value);
  return writer.bytes();
}

class MarshalWriter {
  private chunks: number[] = [];
  private readonly symbols = new Map<string, number>();
  private readonly links = new Map<RubyShared, number>();
  private objectCount = 0;
  private readonly encoder = new TextEncoder();

  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }

  byte(b: number) {
    this.chunks.push(b & 0xff);
  }

  private raw(bytes: Uint8Array) {
    for (const b of bytes) this.chunks.push(b);
  }

  /** marshal.c w_long: small values in one byte, others as 1–4 little-endian bytes after their count. */
  long(n: number) {
    if (!Number.isInteger(n) || n < FIXNUM_MIN || n > FIXNUM_MAX) throw new RangeError(`Marshal: ${n} is not a Fixnum`);
    if (n === 0) return this.byte(0);
    if (n > 0 && n < 123) return this.byte(n + 5);
    if (n < 0 && n > -124) return this.byte(n - 5);
    const out: number[] = [];
    let rest = n;
    for (let i = 1; i <= 4; i++) {
      out.push(rest & 0xff);
      rest >>= 8;
      if (rest === 0 || rest === -1) {
        this.byte(rest === 0 ? i : -i);
        for (const b of out) this.byte(b);
        return;
      }
    }
  }

  private string(bytes: Uint8Array) {
    this.long(bytes.byteLength);
    this.raw(bytes);
  }

  symbol(name: string) {
    const index = this.symbols.get(name);
    if (index !== undefined) {
      this.byte(0x3b); // ;
      this.long(index);
      return;
    }
    this.symbols.set(name, this.symbols.size);
    this.byte(0x3a); // :
    this.string(this.encoder.encode(name));
  }

  /** Registers a non-immediate object, in the order Ruby's w_remember does. */
  private remember() {
    this.objectCount++;
  }

  private ivars(ivars: [string, RubyValue][]) {
    this.long(ivars.length);
    for (const [name, value] of ivars) {
      this.symbol(name);
      this.value(value);
    }
  }

  private encodedString(bytes: Uint8Array, encoding: "UTF-8" | "US-ASCII" | "ASCII-8BIT") {
    this.remember();
    if (encoding === "ASCII-8BIT") {
      this.byte(0x22); // "
      this.string(bytes);
      return;
    }
    this.byte(0x49); // I
    this.byte(0x22);
    this.string(bytes);
    this.ivars([["E", encoding === "UTF-8"]]);
  }

  value(v: RubyValue): void {
    if (v === null) {
      this.byte(0x30); // 0
      return;
    }
    if (v === true) {
      this.byte(0x54); // T
      return;
    }
    if (v === false) {
      this.byte(0x46); // F
      return;
    }
    if (typeof v === "number") {
      this.byte(0x69); // i
      this.long(v);
      return;
    }
    if (typeof v === "string") {
      this.encodedString(this.encoder.encode(v), "UTF-8");
      return;
    }
    if (Array.isArray(v)) {
      this.remember();
      this.byte(0x5b); // [
      this.long(v.length);
      for (const item of v) this.value(item);
      return;
    }
    if (v instanceof RubySymbol) {
      this.symbol(v.name);
      return;
    }
    if (v instanceof RubyString) {
      this.encodedString(v.bytes, v.encoding);
      return;
    }
    if (v instanceof RubyShared) {
      this.sharedValue(v);
      return;
    }
    if (v instanceof RubyHash) {
      this.remember();
      this.byte(0x7b); // {
      this.long(v.entries.length);
      for (const [key, value] of v.entries) {
        this.value(key);
        this.value(value);
      }
      return;
    }
    if (v instanceof RubyObject) {
      this.remember();
      this.byte(0x6f); // o
      this.symbol(v.className);
      this.ivars(v.ivars);
      return;
    }
    if (v instanceof RubyUserMarshal) {
      this.remember(); // before its data, as marshal.c does for marshal_dump
      this.byte(0x55); // U
      this.symbol(v.className);
      this.value(v.data);
      return;
    }
    // RubyUserDef: its string's instance variables are written before the object is remembered.
    if (v.ivars.length > 0) this.byte(0x49);
    this.byte(0x75); // u
    this.symbol(v.className);
    this.string(v.bytes);
    if (v.ivars.length > 0) this.ivars(v.ivars);
    this.remember();
  }

  private sharedValue(v: RubyShared): void {
    const index = this.links.get(v);
    if (index !== undefined) {
      this.byte(0x40); // @
      this.long(index);
      return;
    }
    if (v.value === null || typeof v.value === "boolean" || typeof v.value === "number" || v.value instanceof RubySymbol) {
      this.value(v.value);
      return;
    }
    // Objects remembered before their contents take the next index; a `u` object takes it after its ivars.
    const before = this.objectCount;
    this.value(v.value);
    this.links.set(v, v.value instanceof RubyUserDef ? this.objectCount - 1 : before);
  }
}

/** `Gem::Version.new(version)`: marshal_dump is `[version_string]`. */
export const gemVersion = (version: string) => new RubyUserMarshal("Gem::Version", [version]);

/** `Gem::Requirement`: marshal_dump is `[[[op, Gem::Version], …]]`. */
export const gemRequirement = (pairs: [string, string][]) =>
  new RubyUserMarshal("Gem::Requirement", [pairs.map(([op, version]): RubyValue => [op, gemVersion(version)])]);

/**
 * A UTC `Time` as Time#_dump writes it: two little-endian 32-bit words (a flag bit, UTC bit, year-1900,
 * month, day, hour; minute, second, microseconds) and the `zone` instance variable "UTC".
 */
export function rubyUtcTime(date: Date): RubyUserDef {
  const p = (1 << 31) | (1 << 30) | ((date.getUTCFullYear() - 1900) << 14) | (date.getUTCMonth() << 10) | (date.getUTCDate() << 5) | date.getUTCHours();
  const s = (date.getUTCMinutes() << 26) | (date.getUTCSeconds() << 20) | (date.getUTCMilliseconds() * 1000);
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, p >>> 0, true);
  view.setUint32(4, s >>> 0, true);
  return new RubyUserDef("Time", bytes, [["zone", asciiString("UTC")]]);
}
