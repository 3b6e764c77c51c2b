// A YAML emitter that writes what `helm repo index` writes (pure). helm marshals its index with
// sigs.k8s.io/yaml: JSON first, then go-yaml v2's emitter (a port of libyaml). This file ports the parts of
// that emitter a JSON-shaped document goes through, so the bytes match: keys in go-yaml's "natural" order,
// block sequences not indented under their key, empty collections as `{}`/`[]`, strings that would read back
// as another type double-quoted, plain and quoted scalars folded past column 80, multi-line strings literal.
// Sources: go-yaml v2.4.0 emitterc.go (analyze_scalar, select_scalar_style, write_*), encode.go (stringv),
// resolve.go (resolve), sorter.go (keyList.Less).

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const BEST_WIDTH = 80;
const BEST_INDENT = 2;

type Style = "plain" | "single" | "double" | "literal";

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** The YAML document go-yaml v2 writes for this JSON value (ends with a newline). */
export function emitYaml(value: JsonValue): string {
  const emitter = new Emitter();
  emitter.node(value, { root: true, mapping: false, simpleKey: false });
  emitter.writeIndent(); // document end
  return emitter.text();
}

class Emitter {
  private readonly out: string[] = [];
  private column = 0;
  private indent = -1;
  private readonly indents: number[] = [];
  private whitespace = true;
  private indention = true;
  /** The node being written is a block mapping's value (its sequence is not indented). */
  private mappingContext = false;

  text(): string {
    return this.out.join("");
  }

  node(value: JsonValue, ctx: { root: boolean; mapping: boolean; simpleKey: boolean }) {
    this.mappingContext = ctx.mapping;
    if (Array.isArray(value)) return value.length === 0 ? this.flowEmpty("[]") : this.blockSequence(value);
    if (value !== null && typeof value === "object") {
      const keys = Object.keys(value).sort(compareKeys);
      return keys.length === 0 ? this.flowEmpty("{}") : this.blockMapping(value, keys);
    }
    this.scalar(value, ctx.simpleKey);
  }

  private flowEmpty(indicator: "[]" | "{}") {
    this.writeIndicator(indicator[0]!, true, true, false);
    this.writeIndicator(indicator[1]!, false, false, false);
  }

  private blockSequence(items: JsonValue[]) {
    this.increaseIndent(false, this.mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator("-", true, false, true);
      this.node(item, { root: false, mapping: false, simpleKey: false });
    }
    this.indent = this.indents.pop()!;
  }

  private blockMapping(map: { [key: string]: JsonValue }, keys: string[]) {
    this.increaseIndent(false, false);
    for (const key of keys) {
      this.writeIndent();
      // go-yaml writes a key longer than 128 bytes as `? key`; chart metadata keys never are.
      this.node(key, { root: false, mapping: true, simpleKey: true });
      this.writeIndicator(":", false, false, false);
      this.node(map[key]!, { root: false, mapping: true, simpleKey: false });
    }
    this.indent = this.indents.pop()!;
  }

  private scalar(value: string | number | boolean | null, simpleKey: boolean) {
    let text: string;
    let style: Style;
    if (typeof value === "string") {
      text = value;
      style = value.includes("\n") ? "literal" : resolvesToString(value) && !isBase60Float(value) ? "plain" : "double";
    } else {
      text = value === null ? "null" : String(value);
      style = "plain";
    }
    const analysis = analyzeScalar(text);
    if (simpleKey && analysis.multiline) style = "double";
    if (style === "plain" && (!analysis.blockPlainAllowed || (text === "" && simpleKey))) style = "single";
    if (style === "single" && !analysis.singleQuotedAllowed) style = "double";
    if (style === "literal" && (!analysis.blockAllowed || simpleKey)) style = "double";
    this.increaseIndent(true, false);
    const allowBreaks = !simpleKey;
    if (style === "plain") this.writePlain(text, allowBreaks);
    else if (style === "single") this.writeSingleQuoted(text, allowBreaks);
    else if (style === "double") this.writeDoubleQuoted(text, allowBreaks);
    else this.writeLiteral(text);
    this.indent = this.indents.pop()!;
  }

  private increaseIndent(flow: boolean, indentless: boolean) {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private put(text: string) {
    this.out.push(text);
    this.column += [...text].length;
  }

  private putBreak() {
    this.out.push("\n");
    this.column = 0;
  }

  writeIndent() {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    if (this.column < indent) this.put(" ".repeat(indent - this.column));
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean) {
    if (needWhitespace && !this.whitespace) this.put(" ");
    this.put(indicator);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private writePlain(value: string, allowBreaks: boolean) {
    if (!this.whitespace) this.put(" ");
    const chars = [...value];
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      if (ch === " ") {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== " ") this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else {
        // A plain scalar never holds a line break (analyzeScalar refuses it).
        this.put(ch);
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingleQuoted(value: string, allowBreaks: boolean) {
    this.writeIndicator("'", true, false, false);
    const chars = [...value];
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      if (ch === " ") {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== " ") this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else {
        // Single quotes are only chosen for text without line breaks.
        this.put(ch === "'" ? "''" : ch);
        this.indention = false;
        spaces = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(value: string, allowBreaks: boolean) {
    this.writeIndicator('"', true, false, false);
    const chars = [...value];
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      const code = ch.codePointAt(0)!;
      if (!isPrintable(code) || isBreak(code) || ch === '"' || ch === "\\") {
        this.put(`\\${escapeOf(code)}`);
        spaces = false;
      } else if (ch === " ") {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.writeIndent();
          if (chars[i + 1] === " ") this.put("\\");
        } else {
          this.put(ch);
        }
        spaces = true;
      } else {
        this.put(ch);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(value: string) {
    this.writeIndicator("|", true, false, false);
    this.writeBlockScalarHints(value);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const ch of value) {
      if (isBreak(ch.codePointAt(0)!)) {
        if (ch === "\n") this.putBreak();
        else {
          this.out.push(ch);
          this.column = 0;
        }
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(ch);
        this.indention = false;
        breaks = false;
      }
    }
  }

  private writeBlockScalarHints(value: string) {
    const chars = [...value];
    const first = chars[0]?.codePointAt(0);
    if (first !== undefined && (first === 0x20 || isBreak(first))) this.writeIndicator(String(BEST_INDENT), false, false, false);
    const last = chars.at(-1)?.codePointAt(0);
    const beforeLast = chars.at(-2)?.codePointAt(0);
    let chomp = "";
    if (last === undefined || !isBreak(last)) chomp = "-";
    else if (chars.length === 1 || (beforeLast !== undefined && isBreak(beforeLast))) chomp = "+";
    if (chomp) this.writeIndicator(chomp, false, false, false);
  }
}

/** libyaml's is_printable (as go-yaml v2 implements it: nothing beyond U+FFFD counts). */
function isPrintable(code: number): boolean {
  return (
    code === 0x0a ||
    (code >= 0x20 && code <= 0x7e) ||
    code === 0x85 ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff)
  );
}

function isBreak(code: number): boolean {
  return code === 0x0d || code === 0x0a || code === 0x85 || code === 0x2028 || code === 0x2029;
}

const ESCAPES = new Map<number, string>([
  [0x00, "0"],
  [0x07, "a"],
  [0x08, "b"],
  [0x09, "t"],
  [0x0a, "n"],
  [0x0b, "v"],
  [0x0c, "f"],
  [0x0d, "r"],
  [0x1b, "e"],
  [0x22, '"'],
  [0x5c, "\\"],
  [0x85, "N"],
  [0xa0, "_"],
  [0x2028, "L"],
  [0x2029, "P"],
]);

function escapeOf(code: number): string {
  const named = ESCAPES.get(code);
  if (named) return named;
  const hex = code.toString(16).toUpperCase();
  if (code <= 0xff) return `x${hex.padStart(2, "0")}`;
  if (code <= 0xffff) return `u${hex.padStart(4, "0")}`;
  return `U${hex.padStart(8, "0")}`;
}

/** libyaml's yaml_emitter_analyze_scalar, reduced to the block context (index.yaml has no flow collections with content). */
function analyzeScalar(value: string): Analysis {
  if (value === "") return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const chars = [...value];
  let blockIndicators = value.startsWith("---") || value.startsWith("...");
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const code = ch.codePointAt(0)!;
    const next = chars[i + 1];
    const followedByWhitespace = next === undefined || next === " " || next === "\t";
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(ch)) blockIndicators = true;
      else if ((ch === "?" || ch === ":" || ch === "-") && followedByWhitespace) blockIndicators = true;
    } else if ((ch === ":" && followedByWhitespace) || (ch === "#" && precededByWhitespace)) {
      blockIndicators = true;
    }
    if (!isPrintable(code)) special = true;
    if (ch === " ") {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(code)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = ch === " " || ch === "\t" || isBreak(code);
  }
  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
  }
  if (spaceBreak || special) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
    blockAllowed = false;
  }
  if (lineBreaks || blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

const RESOLVED_WORDS = new Set([
  ..."y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF ~ null Null NULL".split(" "),
  ".nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF".split(" "),
  "",
].flat());

const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})|\s[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** go-yaml v2's resolve(): would this text, written plain, read back as a string? */
export function resolvesToString(text: string): boolean {
  const first = text[0];
  if (first === undefined) return false; // "" is null
  const hinted = "+-0123456789yYnNtTfFoO~.".includes(first);
  if (!hinted) return true;
  if (RESOLVED_WORDS.has(text)) return false;
  if (first === ".") return !isGoFloat(text);
  if ("+-0123456789".includes(first)) {
    if (TIMESTAMP.test(text)) return false;
    const plain = text.replace(/_/g, "");
    if (isGoInt(plain)) return false;
    if (YAML_FLOAT.test(plain)) return false;
    if (/^-?0b[01]+$/.test(plain)) return false;
  }
  return true;
}

/** strconv.ParseInt/ParseUint(s, 0, 64) accepting the value (sign, 0x/0o/0b/0 prefixes; within 64 bits). */
function isGoInt(s: string): boolean {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return false;
  const digits = m[2]!;
  let value: bigint;
  if (/^0[oO]/.test(digits)) value = BigInt(`0o${digits.slice(2)}`);
  else if (/^0[0-7]+$/.test(digits)) value = BigInt(`0o${digits.slice(1)}`);
  else value = BigInt(digits);
  return m[1] === "-" ? value <= 2n ** 63n : value < 2n ** 64n;
}

/** strconv.ParseFloat for the forms a `.`-led string can take (`.5`, `.5e3`). */
function isGoFloat(s: string): boolean {
  return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s);
}

function isBase60Float(s: string): boolean {
  return s.includes(":") && BASE60_FLOAT.test(s);
}

const isLetter = (ch: string) => /\p{L}/u.test(ch);
const isDigit = (ch: string) => /\p{Nd}/u.test(ch);

/** go-yaml v2's keyList.Less for string keys: letters after other characters, digit runs compared as numbers. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return keyLess(a, b) ? -1 : 1;
}

function keyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const x = ar[i]!;
    const y = br[i]!;
    if (x === y) continue;
    const al = isLetter(x);
    const bl = isLetter(y);
    if (al && bl) return x.codePointAt(0)! < y.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (x === "0" || y === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== "0") {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return x.codePointAt(0)! < y.codePointAt(0)!;
  }
  return ar.length < br.length;
}
