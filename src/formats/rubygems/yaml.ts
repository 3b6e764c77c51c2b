// A small, safe YAML reader for the gemspec inside a .gem's metadata.gz: the subset Psych (libyaml) emits —
// block mappings and sequences (a sequence may sit at its key's indentation), plain, single- and
// double-quoted scalars over several lines, literal and folded block scalars, empty and simple flow
// collections, anchors and aliases, and tags. Tags only annotate (`!ruby/object:Gem::Version` maps stay
// maps; nothing is instantiated or evaluated), except `!binary`, whose base64 is decoded. Scalars stay
// strings. Aliases share the anchored value (no copy), and size, depth and alias counts are capped.
// Spec: https://yaml.org/spec/1.1/ (the parts above).

export type YamlValue = string | null | YamlValue[] | YamlMap;
export type YamlMap = Map<string, YamlValue>;

export class YamlError extends Error {}

// YAML's white space is space and tab only (String#trim would also strip NBSP and other Unicode spaces).
// Trimmed by scanning, not by a `[ \t]+$` regex, which backtracks quadratically over long runs of spaces.
const isSpace = (ch: string | undefined) => ch === " " || ch === "\t";
function trimStart(text: string): string {
  let i = 0;
  while (isSpace(text[i])) i++;
  return text.slice(i);
}
function trimEnd(text: string): string {
  let i = text.length;
  while (i > 0 && isSpace(text[i - 1])) i--;
  return text.slice(0, i);
}
const trim = (text: string) => trimEnd(trimStart(text));

const MAX_DEPTH = 64;
const MAX_ALIASES = 10_000;
const MAX_NODES = 1_000_000;
const MAX_KEY_SCAN = 1024;
/** Flow collections in gemspecs are `[]` and `{}`; a long one is refused rather than scanned. */
const MAX_FLOW_LENGTH = 4096;

interface Line {
  indent: number;
  text: string;
  number: number;
}

/** Parse one YAML document (the first, when there are several). */
export function parseYaml(source: string): YamlValue {
  return new YamlReader(source).document();
}

export const isMap = (v: YamlValue | undefined): v is YamlMap => v instanceof Map;

class YamlReader {
  private readonly lines: Line[];
  private pos = 0;
  private readonly anchors = new Map<string, YamlValue>();
  private aliases = 0;
  private nodes = 0;

  constructor(source: string) {
    this.lines = source
      .replace(/^\uFEFF/, "")
      .split(/\r?\n/)
      .map((raw, number) => {
        if (/^[ \t]*\t/.test(raw) && /[^ \t]/.test(raw)) throw new YamlError(`line ${number + 1}: tabs are not allowed for indentation`);
        const text = raw.replace(/^ +/, "");
        return { indent: raw.length - text.length, text, number: number + 1 };
      });
  }

  document(): YamlValue {
    this.skipBlank();
    const first = this.lines[this.pos];
    if (first && first.indent === 0 && /^%/.test(first.text)) {
      while (this.lines[this.pos] && !/^---([ \t]|$)/.test(this.lines[this.pos]!.text)) this.pos++;
    }
    const start = this.lines[this.pos];
    if (!start) return null;
    let value: YamlValue;
    if (start.indent === 0 && /^---([ \t]|$)/.test(start.text)) {
      const rest = trim(start.text.slice(3));
      this.pos++;
      value = this.inlineValue(rest, -1, 0);
    } else {
      value = this.block(0, 0);
    }
    this.skipBlank();
    const after = this.lines[this.pos];
    if (after && !(after.indent === 0 && /^(---|\.\.\.)([ \t]|$)/.test(after.text))) throw this.error(after, "unexpected content");
    return value;
  }

  private error(line: Line | undefined, message: string): YamlError {
    return new YamlError(line ? `line ${line.number}: ${message}` : message);
  }

  private skipBlank() {
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos]!;
      if (line.text !== "" && !line.text.startsWith("#")) return;
      this.pos++;
    }
  }

  private count(depth: number) {
    if (++this.nodes > MAX_NODES) throw new YamlError("document too large");
    if (depth > MAX_DEPTH) throw new YamlError("document nested too deeply");
  }

  /** The node starting at the next non-blank line, which must be indented at least `minIndent`; null if none. */
  private block(minIndent: number, depth: number): YamlValue {
    this.count(depth);
    this.skipBlank();
    const line = this.lines[this.pos];
    if (!line || line.indent < minIndent || /^(---|\.\.\.)([ \t]|$)/.test(line.text)) return null;
    if (isSequenceEntry(line.text)) return this.sequence(line.indent, depth);
    if (mappingKey(line.text)) return this.mapping(line.indent, depth);
    this.pos++;
    return this.inlineValue(line.text, minIndent - 1, depth, line);
  }

  private sequence(indent: number, depth: number): YamlValue[] {
    const items: YamlValue[] = [];
    for (;;) {
      this.skipBlank();
      const line = this.lines[this.pos];
      if (!line || line.indent !== indent || !isSequenceEntry(line.text)) break;
      const rest = line.text.slice(1).replace(/^ +/, "");
      if (rest === "" || rest.startsWith("#")) {
        this.pos++;
        items.push(this.block(indent + 1, depth + 1));
        continue;
      }
      // "- key: v" or "- - x": the rest of the line is a node at its own column.
      this.lines[this.pos] = { indent: indent + (line.text.length - rest.length), text: rest, number: line.number };
      items.push(this.block(indent + 1, depth + 1));
    }
    return items;
  }

  private mapping(indent: number, depth: number): YamlMap {
    const map: YamlMap = new Map();
    for (;;) {
      this.skipBlank();
      const line = this.lines[this.pos];
      if (!line || line.indent !== indent) {
        if (line && line.indent > indent && !/^(---|\.\.\.)([ \t]|$)/.test(line.text)) throw this.error(line, "bad indentation");
        break;
      }
      const key = mappingKey(line.text);
      if (!key) {
        if (isSequenceEntry(line.text)) break;
        throw this.error(line, "expected a mapping key");
      }
      this.pos++;
      if (key.key === "<<") throw this.error(line, "merge keys are not supported");
      if (map.has(key.key)) throw this.error(line, `duplicate key ${JSON.stringify(key.key)}`);
      map.set(key.key, this.inlineValue(key.rest, indent, depth + 1, line, true));
    }
    return map;
  }

  /**
   * A value whose first text is `text` (after `key:`, `- `, `---` or alone on its line); `parentIndent` is
   * the indentation of the key or entry it belongs to (continuation lines are deeper).
   */
  private inlineValue(text: string, parentIndent: number, depth: number, line?: Line, isMapValue = false): YamlValue {
    this.count(depth);
    let rest = trim(text);
    let tag: string | null = null;
    let anchor: string | null = null;
    for (;;) {
      const property = /^([!&])([^ \t]*)(?:[ \t]+|$)/.exec(rest);
      if (!property) break;
      if (property[1] === "!") tag = property[2] ?? "";
      else anchor = property[2] ?? "";
      rest = rest.slice(property[0].length);
    }
    let value: YamlValue;
    if (rest.startsWith("*")) {
      if (tag !== null || anchor !== null) throw this.error(line, "an alias cannot have properties");
      const name = trim(rest.slice(1));
      if (!this.anchors.has(name)) throw this.error(line, `unknown alias *${name}`);
      if (++this.aliases > MAX_ALIASES) throw this.error(line, "too many aliases");
      return this.anchors.get(name)!;
    }
    if (rest === "" || rest.startsWith("#")) {
      const next = this.peekContent();
      if (next && next.indent > parentIndent) value = this.block(parentIndent + 1, depth);
      else if (isMapValue && next && next.indent === parentIndent && isSequenceEntry(next.text)) value = this.sequence(parentIndent, depth);
      else value = null;
    } else if (rest.startsWith("|") || rest.startsWith(">")) {
      value = this.blockScalar(rest, parentIndent, line);
    } else if (rest.startsWith('"') || rest.startsWith("'")) {
      value = this.quoted(rest, parentIndent, line);
    } else if (rest.startsWith("[") || rest.startsWith("{")) {
      value = this.flow(rest, parentIndent, depth, line);
    } else {
      value = this.plain(rest, parentIndent);
    }
    if (tag === "!binary" || tag === "tag:yaml.org,2002:binary") value = decodeBinary(value, line);
    if (anchor !== null) this.anchors.set(anchor, value);
    return value;
  }

  private peekContent(): Line | undefined {
    for (let i = this.pos; i < this.lines.length; i++) {
      const line = this.lines[i]!;
      if (line.text !== "" && !line.text.startsWith("#")) return line;
    }
    return undefined;
  }

  /** A plain scalar; continuation lines (deeper than the parent) fold into it. `~`, `null` and "" are null. */
  private plain(first: string, parentIndent: number): YamlValue {
    const parts = [stripComment(first)];
    let blankRun = 0;
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos]!;
      if (line.text === "") {
        blankRun++;
        this.pos++;
        continue;
      }
      if (line.indent <= parentIndent || line.text.startsWith("#") || isSequenceEntry(line.text) || mappingKey(line.text)) break;
      parts.push(blankRun > 0 ? "\n".repeat(blankRun) : " ", stripComment(line.text));
      blankRun = 0;
      this.pos++;
    }
    if (blankRun > 0) this.rewindBlank(blankRun);
    const value = parts.join("");
    return parts.length === 1 && (value === "~" || value === "null" || value === "Null" || value === "NULL") ? null : value;
  }

  private rewindBlank(count: number) {
    this.pos -= count;
  }

  /** Quoted scalars may run over several lines: fold them, then unescape. */
  private quoted(first: string, parentIndent: number, line?: Line): string {
    const quote = first[0]!;
    let buffer = first.slice(1);
    const pieces: string[] = [];
    for (;;) {
      const end = closingQuote(buffer, quote);
      if (end >= 0) {
        pieces.push(buffer.slice(0, end));
        const trailing = trim(buffer.slice(end + 1));
        if (trailing !== "" && !trailing.startsWith("#")) throw this.error(line, "text after a quoted scalar");
        break;
      }
      pieces.push(buffer);
      const next = this.lines[this.pos];
      if (!next) throw this.error(line, "unterminated quoted scalar");
      if (next.text !== "" && next.indent <= parentIndent) throw this.error(next, "unterminated quoted scalar");
      this.pos++;
      buffer = next.text;
    }
    return quote === "'" ? foldLines(pieces).replace(/''/g, "'") : unescapeDouble(pieces, line);
  }

  /** `|` keeps line breaks, `>` folds them; `-` strips the final break, `+` keeps trailing ones; a digit fixes the indentation. */
  private blockScalar(header: string, parentIndent: number, line?: Line): string {
    const match = /^([|>])([1-9]?)([+-]?)([1-9]?)[ \t]*(?:#.*)?$/.exec(header);
    if (!match) throw this.error(line, `bad block scalar header ${header}`);
    const literal = match[1] === "|";
    const chomp = match[3] ?? "";
    const explicit = Number(match[2] || match[4] || 0);
    let indent = explicit ? Math.max(parentIndent, 0) + explicit : 0;
    const content: string[] = [];
    while (this.pos < this.lines.length) {
      const current = this.lines[this.pos]!;
      if (current.text === "") {
        content.push("");
        this.pos++;
        continue;
      }
      if (indent === 0) {
        if (current.indent <= parentIndent) break;
        indent = current.indent;
      }
      if (current.indent < indent) break;
      content.push(" ".repeat(current.indent - indent) + current.text);
      this.pos++;
    }
    // Trailing blank lines belong to the scalar only for chomping; give back the ones after the last content.
    let trailingBlank = 0;
    while (content.length > 0 && content[content.length - 1] === "") {
      content.pop();
      trailingBlank++;
    }
    let text = literal ? content.join("\n") : foldBlock(content);
    if (content.length > 0) {
      if (chomp === "+") text += "\n".repeat(trailingBlank + 1);
      else if (chomp === "") text += "\n";
    } else if (chomp === "+") text = "\n".repeat(trailingBlank);
    return text;
  }

  /** A flow collection (`[]`, `{}`, `[a, 'b']`, `{a: b}`), possibly over several lines. */
  private flow(first: string, parentIndent: number, depth: number, line?: Line): YamlValue {
    let text = first;
    while (!flowBalanced(text)) {
      if (text.length > MAX_FLOW_LENGTH) throw this.error(line, "flow collection too long");
      const next = this.lines[this.pos];
      if (!next || (next.text !== "" && next.indent <= parentIndent)) throw this.error(line, "unterminated flow collection");
      text += ` ${next.text}`;
      this.pos++;
    }
    if (text.length > MAX_FLOW_LENGTH) throw this.error(line, "flow collection too long");
    const parser = new FlowParser(text, (d) => this.count(depth + d));
    const value = parser.value();
    parser.end(line);
    return value;
  }
}

const isSequenceEntry = (text: string) => text === "-" || text.startsWith("- ");

/** `key: rest` (plain, single- or double-quoted key); null when the line is not a mapping entry. */
function mappingKey(text: string): { key: string; rest: string } | null {
  if (text.startsWith("'") || text.startsWith('"')) {
    const end = closingQuote(text.slice(1), text[0]!);
    if (end < 0) return null;
    const after = text.slice(end + 2);
    if (!/^[ \t]*:([ \t]|$)/.test(after)) return null;
    const raw = text.slice(1, end + 1);
    const key = text[0] === "'" ? raw.replace(/''/g, "'") : unescapeDouble([raw]);
    return { key, rest: after.replace(/^[ \t]*:/, "") };
  }
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(text) && !/^[-?:][^ \t]/.test(text)) return null;
  // Keys are short: looking only at the start keeps a long scalar line linear to scan.
  const match = /^(.*?)[ \t]*:(?:[ \t]|$)/.exec(text.slice(0, MAX_KEY_SCAN));
  if (!match || match[1] === undefined || match[1] === "" || / #/.test(match[1])) return null;
  return { key: match[1], rest: text.slice(match[0].length) };
}

function stripComment(text: string): string {
  const at = text.search(/[ \t]#/);
  return trimEnd(at >= 0 ? text.slice(0, at) : text);
}

/** Index of the closing quote in `text` (which starts after the opening one), or -1. */
function closingQuote(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote === '"' && ch === "\\") {
      i++;
      continue;
    }
    if (ch === quote) {
      if (quote === "'" && text[i + 1] === "'") {
        i++;
        continue;
      }
      return i;
    }
  }
  return -1;
}

/** Line folding of quoted scalars: one break is a space, each empty line a newline; edges trimmed. */
function foldLines(pieces: string[]): string {
  if (pieces.length === 1) return pieces[0]!;
  let out = trimEnd(pieces[0]!);
  let blank = 0;
  for (let i = 1; i < pieces.length; i++) {
    const piece = i === pieces.length - 1 ? trimStart(pieces[i]!) : trim(pieces[i]!);
    if (piece === "" && i < pieces.length - 1) {
      blank++;
      continue;
    }
    out += blank > 0 ? "\n".repeat(blank) : " ";
    out += piece;
    blank = 0;
  }
  return out;
}

const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
};

/** Whether the text ends in an odd run of backslashes (its last character is escaped). */
function endsInEscape(text: string): boolean {
  let i = text.length;
  while (i > 0 && text[i - 1] === "\\") i--;
  return (text.length - i) % 2 === 1;
}

/**
 * Double-quoted: lines fold as in `foldLines`, except that a line ending in an escape (`\`) joins the next
 * without a space and escaped trailing whitespace is kept; then escapes are decoded.
 */
function unescapeDouble(pieces: string[], line?: Line): string {
  let out = "";
  let breaks = 0;
  let joinNext = false;
  for (let p = 0; p < pieces.length; p++) {
    const last = p === pieces.length - 1;
    let piece = p === 0 ? pieces[p]! : trimStart(pieces[p]!);
    let escapedBreak = false;
    if (!last) {
      const kept = trimEnd(piece).length;
      const trailing = kept < piece.length;
      if (trailing && !endsInEscape(piece.slice(0, kept))) piece = piece.slice(0, kept);
      else if (trailing) piece = piece.slice(0, kept + 1);
      if (!trailing && endsInEscape(piece)) {
        escapedBreak = true;
        piece = piece.slice(0, -1);
      }
    }
    if (p > 0) {
      if (piece === "" && !last && !escapedBreak && !joinNext) {
        breaks++;
        continue;
      }
      if (!joinNext) out += breaks > 0 ? "\n".repeat(breaks) : " ";
    }
    out += decodeEscapes(piece, line);
    breaks = 0;
    joinNext = escapedBreak;
  }
  return out;
}

function decodeEscapes(text: string, line?: Line): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = text[++i];
    const simple = next === undefined ? undefined : ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const width = next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
    const hex = text.slice(i + 1, i + 1 + width);
    if (width === 0 || hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex) || Number.parseInt(hex, 16) > 0x10ffff) {
      throw new YamlError(`${line ? `line ${line.number}: ` : ""}bad escape \\${next ?? ""}`);
    }
    out += String.fromCodePoint(Number.parseInt(hex, 16));
    i += width;
  }
  return out;
}

/** Folded block scalars: lines join with a space, except around empty and more-indented lines. */
function foldBlock(lines: string[]): string {
  let out = "";
  for (let i = 0; i < lines.length; i++) {
    const current = lines[i]!;
    if (i === 0) {
      out = current;
      continue;
    }
    const previous = lines[i - 1]!;
    const indented = (s: string) => s.startsWith(" ") || s.startsWith("\t");
    if (current === "" || previous === "" || indented(current) || indented(previous)) out += `\n${current}`;
    else out += ` ${current}`;
  }
  return out;
}

function flowBalanced(text: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (quote === '"' && ch === "\\") i++;
      else if (ch === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = null;
      }
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) return true;
    }
  }
  return false;
}

class FlowParser {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly count: (depth: number) => void,
  ) {}

  private space() {
    while (this.i < this.text.length && /[ \t]/.test(this.text[this.i]!)) this.i++;
  }

  end(line?: Line) {
    this.space();
    const rest = this.text.slice(this.i);
    if (rest !== "" && !rest.startsWith("#")) throw new YamlError(`${line ? `line ${line.number}: ` : ""}text after a flow collection`);
  }

  value(depth = 0): YamlValue {
    this.count(depth);
    this.space();
    const ch = this.text[this.i];
    if (ch === "[") {
      this.i++;
      const items: YamlValue[] = [];
      for (;;) {
        this.space();
        if (this.text[this.i] === "]") {
          this.i++;
          return items;
        }
        items.push(this.value(depth + 1));
        this.space();
        if (this.text[this.i] === ",") this.i++;
        else if (this.text[this.i] !== "]") throw new YamlError("bad flow sequence");
      }
    }
    if (ch === "{") {
      this.i++;
      const map: YamlMap = new Map();
      for (;;) {
        this.space();
        if (this.text[this.i] === "}") {
          this.i++;
          return map;
        }
        const key = this.value(depth + 1);
        if (typeof key !== "string") throw new YamlError("flow mapping keys must be scalars");
        this.space();
        let value: YamlValue = null;
        if (this.text[this.i] === ":") {
          this.i++;
          value = this.value(depth + 1);
        }
        map.set(key, value);
        this.space();
        if (this.text[this.i] === ",") this.i++;
        else if (this.text[this.i] !== "}") throw new YamlError("bad flow mapping");
      }
    }
    if (ch === '"' || ch === "'") {
      const end = closingQuote(this.text.slice(this.i + 1), ch);
      if (end < 0) throw new YamlError("unterminated quoted scalar");
      const raw = this.text.slice(this.i + 1, this.i + 1 + end);
      this.i += end + 2;
      return ch === "'" ? raw.replace(/''/g, "'") : unescapeDouble([raw]);
    }
    const match = /^[^,[\]{}]*?(?=[ \t]*(?:[,\]}]|:[ \t]|:$|$))/.exec(this.text.slice(this.i));
    const raw = match ? match[0] : "";
    this.i += raw.length;
    const value = trim(raw);
    return value === "" || value === "~" || value === "null" ? null : value;
  }
}

function decodeBinary(value: YamlValue, line?: Line): YamlValue {
  if (typeof value !== "string") return value;
  try {
    const bytes = Uint8Array.from(atob(value.replace(/[ \t\r\n]+/g, "")), (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    throw new YamlError(`${line ? `line ${line.number}: ` : ""}bad !binary value`);
  }
}
