// A streaming scanner for npm's publish body (pure): it keeps the JSON document in memory under a cap,
// except the base64 string at `_attachments.<file>.data`, which it decodes as it arrives and hands out
// as bytes, so a tarball of any size passes through with flat memory.
//
//   push(chunk) -> events:
//     walk the bytes with a small structural tokenizer (objects, arrays, strings, literals), tracking
//     the key of every open object;
//     a string value whose path is [_attachments, <name>, data] is not kept: the document gets "" and
//     the characters are base64-decoded into `attachment_bytes` events between `attachment_start` and `attachment_end`;
//     every other byte is kept (capped); finish() parses the kept bytes with JSON.parse, which
//     catches any syntax error the tokenizer let pass.
// Spec: ../shared/reference/gitlab-spec.md §1 "Publish body"; ../shared/reference/cloudflare.md §1 (memory).

import { Base64Decoder, PublishBodyError } from "./base64-decoder";

export type ScanEvent =
  | { kind: "attachment_start"; name: string }
  | { kind: "attachment_bytes"; bytes: Uint8Array }
  | { kind: "attachment_end" };

export { PublishBodyError };

interface Frame {
  type: "object" | "array";
  /** object: key | colon | value | comma; array: value | comma */
  state: "key" | "colon" | "value" | "comma";
  key: string | null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_KEY_BYTES = 1024;
const OVERLONG_KEY = "\u0000overlong";

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

export class PublishBodyScanner {
  private kept: Uint8Array[] = [];
  private keptBytes = 0;
  private stack: Frame[] = [];
  private rootDone = false;
  private mode: "structure" | "string" | "key" | "literal" | "data" = "structure";
  private escaped = false;
  private keyBytes: number[] = [];
  private keyOverlong = false;
  private base64 = new Base64Decoder();
  attachments = 0;

  constructor(private readonly metadataLimit: number) {}

  push(chunk: Uint8Array): ScanEvent[] {
    const events: ScanEvent[] = [];
    let i = 0;
    let keepFrom = 0;
    const keepUntil = (end: number) => {
      if (end > keepFrom) this.keep(chunk.subarray(keepFrom, end));
    };
    while (i < chunk.length) {
      if (this.mode === "data") {
        const end = this.findDataEnd(chunk, i);
        const bytes = this.base64.push(chunk, i, end === -1 ? chunk.length : end);
        if (bytes.length > 0) events.push({ kind: "attachment_bytes", bytes });
        if (end === -1) {
          i = chunk.length;
          keepFrom = i;
          break;
        }
        const tail = this.base64.finish();
        if (tail.length > 0) events.push({ kind: "attachment_bytes", bytes: tail });
        events.push({ kind: "attachment_end" });
        this.mode = "structure";
        this.valueDone();
        keepFrom = end; // the closing quote is kept: the document sees ""
        i = end + 1;
        continue;
      }
      if (this.mode === "string") {
        i = this.skipString(chunk, i);
        continue;
      }
      const b = chunk[i];
      if (b === undefined) break; // i < chunk.length
      if (this.mode === "key") {
        this.readKeyByte(b);
        i++;
        continue;
      }
      if (this.mode === "literal") {
        if (b === 0x2c || b === 0x7d || b === 0x5d || isSpace(b)) {
          this.mode = "structure";
          this.valueDone();
          continue; // the delimiter is handled as structure
        }
        i++;
        continue;
      }
      i++;
      if (isSpace(b)) continue;
      const startsData = this.structureByte(b);
      if (startsData) {
        keepUntil(i); // keep the opening quote
        keepFrom = i;
        this.attachments++;
        events.push({ kind: "attachment_start", name: this.stack[1]?.key ?? "" });
        this.mode = "data";
        this.base64 = new Base64Decoder();
      }
    }
    keepUntil(this.mode === "data" ? keepFrom : chunk.length);
    return events;
  }

  /** The document without attachment data (each `data` is ""), once the body ended. */
  finish(): unknown {
    if (this.mode === "literal") {
      this.mode = "structure";
      this.valueDone();
    }
    if (this.mode !== "structure" || this.stack.length > 0 || !this.rootDone) throw new PublishBodyError("the JSON body ended early");
    const all = new Uint8Array(this.keptBytes);
    let offset = 0;
    for (const part of this.kept) {
      all.set(part, offset);
      offset += part.byteLength;
    }
    this.kept = [];
    try {
      return JSON.parse(new TextDecoder().decode(all));
    } catch {
      throw new PublishBodyError("malformed JSON body");
    }
  }

  private keep(bytes: Uint8Array) {
    this.keptBytes += bytes.byteLength;
    if (this.keptBytes > this.metadataLimit) throw new PublishBodyError(`the package metadata is larger than ${this.metadataLimit} bytes`, true);
    this.kept.push(bytes.slice()); // a copy, so the request chunk can be released
  }

  /** One byte outside strings; true when it opens the attachment data string. */
  private structureByte(b: number): boolean {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      if (this.rootDone) throw new PublishBodyError("unexpected data after the JSON body");
      return this.valueStart(b);
    }
    if (top.type === "object" && top.state === "key") {
      if (b === QUOTE) {
        this.mode = "key";
        this.keyBytes = [];
        this.keyOverlong = false;
        this.escaped = false;
        return false;
      }
      if (b === 0x7d) return this.close("object");
      throw new PublishBodyError("malformed JSON body: expected a key");
    }
    if (top.type === "object" && top.state === "colon") {
      if (b !== 0x3a) throw new PublishBodyError("malformed JSON body: expected ':'");
      top.state = "value";
      return false;
    }
    if (top.state === "comma") {
      if (b === 0x2c) {
        top.state = top.type === "object" ? "key" : "value";
        return false;
      }
      if (b === 0x7d) return this.close("object");
      if (b === 0x5d) return this.close("array");
      throw new PublishBodyError("malformed JSON body: expected ',' or a closing bracket");
    }
    if (top.type === "array" && b === 0x5d) return this.close("array");
    return this.valueStart(b);
  }

  private valueStart(b: number): boolean {
    if (b === 0x7b) {
      this.stack.push({ type: "object", state: "key", key: null });
      return false;
    }
    if (b === 0x5b) {
      this.stack.push({ type: "array", state: "value", key: null });
      return false;
    }
    if (b === QUOTE) {
      if (this.atAttachmentData()) return true;
      this.mode = "string";
      this.escaped = false;
      return false;
    }
    if (b === 0x7d || b === 0x5d || b === 0x2c || b === 0x3a) throw new PublishBodyError("malformed JSON body: expected a value");
    this.mode = "literal";
    return false;
  }

  private atAttachmentData(): boolean {
    const [root, , file] = this.stack;
    return this.stack.length === 3 && this.stack.every((f) => f.type === "object") && root?.key === "_attachments" && file?.key === "data";
  }

  private close(type: Frame["type"]): boolean {
    const top = this.stack.pop();
    if (!top || top.type !== type) throw new PublishBodyError("malformed JSON body: mismatched brackets");
    this.valueDone();
    return false;
  }

  /** A value finished: its container now expects a comma (or the document is complete). */
  private valueDone() {
    const top = this.stack[this.stack.length - 1];
    if (top) top.state = "comma";
    else this.rootDone = true;
  }

  /** Skip a kept string value quickly (native indexOf), honouring escapes; returns the next index. */
  private skipString(chunk: Uint8Array, start: number): number {
    let i = start;
    let quote = -2; // -2: not looked up yet; -1: none left in this chunk
    while (i < chunk.length) {
      if (this.escaped) {
        this.escaped = false;
        i++;
        continue;
      }
      if (quote !== -1 && quote < i) quote = chunk.indexOf(QUOTE, i);
      // Only look for a backslash up to the quote, so long strings with many escapes stay linear.
      const slash = chunk.subarray(i, quote === -1 ? chunk.length : quote).indexOf(BACKSLASH);
      if (slash !== -1) {
        this.escaped = true;
        i += slash + 1;
        continue;
      }
      if (quote === -1) return chunk.length;
      this.mode = "structure";
      this.valueDone();
      return quote + 1;
    }
    return i;
  }

  private readKeyByte(b: number) {
    if (!this.escaped && b === QUOTE) {
      const top = this.stack[this.stack.length - 1];
      if (!top) throw new PublishBodyError("malformed JSON body"); // "key" mode is entered inside an object only
      top.key = this.keyOverlong ? OVERLONG_KEY : decodeKey(this.keyBytes);
      top.state = "colon";
      this.mode = "structure";
      return;
    }
    this.escaped = !this.escaped && b === BACKSLASH;
    if (this.keyBytes.length >= MAX_KEY_BYTES) this.keyOverlong = true;
    else this.keyBytes.push(b);
  }

  /** Index of the quote that ends the data string, or -1 when it continues past this chunk. */
  private findDataEnd(chunk: Uint8Array, start: number): number {
    const quote = chunk.indexOf(QUOTE, start);
    if (this.base64.escapePending && quote === start) throw new PublishBodyError("attachment data is not base64");
    return quote;
  }

}

function decodeKey(bytes: number[]): string {
  const raw = new TextDecoder().decode(Uint8Array.from(bytes));
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    throw new PublishBodyError("malformed JSON body: bad key");
  }
}
