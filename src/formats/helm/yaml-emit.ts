// A YAML emitter that writes what `helm repo index` writes (pure). helm marshals its index with
// sigs.k8s.io/yaml: JSON first, then go-yaml v2's emitter (a port of libyaml). This file ports the parts of
// that emitter a JSON-shaped document goes through, so the bytes match: keys in go-yaml's "natural" order,
// block sequences not indented under their key, empty collections as `{}`/`[]`, strings that would read back
// as another type double-quoted, plain and quoted scalars folded past column 80, multi-line strings literal.
// Sources: go-yaml v2.4.0 emitterc.go (analyze_scalar, select_scalar_style, write_*), encode.go (stringv),
// resolve.go (resolve), sorter.go (keyList.Less).

import { analyzeScalar, compareKeys, escapeOf, isBase60Float, isBreak, isPrintable, resolvesToString } from "./yaml-scalars";

export { compareKeys, resolvesToString } from "./yaml-scalars";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const BEST_WIDTH = 80;
const BEST_INDENT = 2;

type Style = "plain" | "single" | "double" | "literal";

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
