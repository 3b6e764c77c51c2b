// A small YAML reader for Chart.yaml and requirements.yaml (pure): block mappings and sequences (with the
// compact `- key: value` form and sequences at their key's indentation), plain scalars over several lines,
// single- and double-quoted scalars, literal and folded block scalars with chomping and indentation
// indicators, flow collections, comments and a leading `---`. Scalars stay text (null for `~`, `null` and
// empty values): the caller decides what a field means, as helm does by unmarshalling into typed fields.
// Anchors, aliases, tags and complex keys are refused with a clear message. Spec: https://yaml.org/spec/1.2.2/
import { countBreaks, FlowScanner, NULLS, YamlError, type YamlValue } from "./yaml-flow";

export { YamlError, type YamlValue } from "./yaml-flow";

/** The first document of `text`; null when it holds nothing. */
export function parseYaml(text: string): YamlValue {
  return new Reader(text.replace(/^\uFEFF/, "")).document();
}

class Reader {
  private readonly lines: string[];
  private at = 0;
  private end: number;

  constructor(text: string) {
    this.lines = text.split(/\r\n|\r|\n/);
    this.end = this.lines.length;
  }

  document(): YamlValue {
    // Directives and the document start marker; the next `---` or `...` ends the document.
    while (this.at < this.end) {
      const line = this.lines[this.at]!;
      if (isBlank(line) || line.startsWith("%")) this.at++;
      else if (/^---(\s|$)/.test(line)) {
        const rest = stripComment(line.slice(3)).trim();
        if (rest !== "") throw new YamlError("content after --- is not supported", this.at);
        this.at++;
        break;
      } else break;
    }
    for (let i = this.at; i < this.end; i++) {
      if (/^(---|\.\.\.)(\s|$)/.test(this.lines[i]!)) {
        this.end = i;
        break;
      }
    }
    if (!this.skipBlank()) return null;
    const value = this.block(-1);
    if (this.skipBlank()) throw new YamlError("unexpected content (check the indentation)", this.at);
    return value;
  }

  /** Moves to the next line with content; false at the end of the document. */
  private skipBlank(): boolean {
    while (this.at < this.end && isBlank(this.lines[this.at]!)) this.at++;
    return this.at < this.end;
  }

  private indentAt(index: number): number {
    const line = this.lines[index]!;
    const indent = line.length - line.trimStart().length;
    if (line.slice(0, indent).includes("\t")) throw new YamlError("tabs are not allowed in indentation", index);
    return indent;
  }

  /** A node whose first line (the current one, with content) is indented more than `parent`. */
  private block(parent: number): YamlValue {
    const indent = this.indentAt(this.at);
    const content = this.lines[this.at]!.slice(indent);
    if (isSequenceItem(content)) return this.sequence(indent);
    if (splitKey(content, this.at)) return this.mapping(indent);
    this.at++;
    return this.inlineValue(content, parent, this.at - 1);
  }

  private mapping(indent: number): { [key: string]: YamlValue } {
    const out: { [key: string]: YamlValue } = Object.create(null);
    while (this.skipBlank()) {
      const current = this.indentAt(this.at);
      if (current < indent) break;
      if (current > indent) throw new YamlError("bad indentation of a mapping entry", this.at);
      const line = this.at;
      const entry = splitKey(this.lines[line]!.slice(indent), line);
      if (!entry) throw new YamlError("expected a `key: value` entry", line);
      this.at++;
      const rest = stripComment(entry.rest).trim();
      if (rest === "") {
        if (!this.skipBlank()) out[entry.key] = null;
        else {
          const next = this.indentAt(this.at);
          if (next > indent) out[entry.key] = this.block(indent);
          else if (next === indent && isSequenceItem(this.lines[this.at]!.slice(indent))) out[entry.key] = this.sequence(indent);
          else out[entry.key] = null;
        }
      } else {
        out[entry.key] = this.inlineValue(entry.rest.trimStart(), indent, line);
      }
    }
    return out;
  }

  private sequence(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    while (this.skipBlank()) {
      const current = this.indentAt(this.at);
      if (current < indent) break;
      const content = this.lines[this.at]!.slice(current);
      if (current > indent || !isSequenceItem(content)) {
        if (current === indent) break; // the next key of a mapping whose value this sequence was
        throw new YamlError("bad indentation of a sequence item", this.at);
      }
      const after = content.slice(1);
      if (stripComment(after).trim() === "") {
        this.at++;
        out.push(this.skipBlank() && this.indentAt(this.at) > indent ? this.block(indent) : null);
      } else {
        // `- x`: the item is a node indented at x's column (this is what makes `- key: value` a mapping).
        const column = indent + 1 + (after.length - after.trimStart().length);
        this.lines[this.at] = " ".repeat(column) + after.trimStart();
        out.push(this.block(indent));
      }
    }
    return out;
  }

  /** A value that starts on line `line` (already consumed) with `text`; its continuation lines are indented more than `parent`. */
  private inlineValue(text: string, parent: number, line: number): YamlValue {
    const first = text[0];
    if (first === "&" || first === "*" || first === "!") throw new YamlError("anchors, aliases and tags are not supported", line);
    if (first === "|" || first === ">") return this.blockScalar(text, parent, line);
    if (first === '"' || first === "'" || first === "[" || first === "{") {
      const { value, tail } = this.spanning(text, line);
      if (stripComment(tail).trim() !== "") throw new YamlError(`unexpected text after a ${first === "[" || first === "{" ? "flow collection" : "quoted scalar"}`, this.at - 1);
      return value;
    }
    if (first === "?") throw new YamlError("complex keys are not supported", line);
    return this.plain(text, parent, line);
  }

  private plain(text: string, parent: number, line: number): YamlValue {
    const head = stripComment(text).trim();
    if (/:(\s|$)/.test(head)) throw new YamlError("mapping values are not allowed here", line);
    if (head !== text.trim()) return NULLS.has(head) ? null : head; // a comment ends a plain scalar
    const parts = [head];
    let pendingBreaks = 0;
    while (this.at < this.end) {
      const raw = this.lines[this.at]!;
      if (raw.trim() === "") {
        pendingBreaks++;
        this.at++;
        continue;
      }
      const indent = this.indentAt(this.at);
      const content = raw.slice(indent);
      if (indent <= parent || content.startsWith("#")) break;
      const piece = stripComment(content).trim();
      if (/:(\s|$)/.test(piece)) throw new YamlError("mapping values are not allowed here", this.at);
      parts.push(pendingBreaks > 0 ? "\n".repeat(pendingBreaks) : " ", piece);
      pendingBreaks = 0;
      this.at++;
      if (piece !== content.trim()) break;
    }
    // Blank lines after the scalar belong to no one.
    const value = parts.join("");
    return NULLS.has(value) ? null : value;
  }

  /** `|` or `>` with optional chomping (`-`, `+`) and indentation (1-9) indicators in either order. */
  private blockScalar(header: string, parent: number, line: number): string {
    const m = /^([|>])([1-9]?)([-+]?)([1-9]?)(\s+#.*)?\s*$/.exec(header);
    if (!m) throw new YamlError("invalid block scalar header", line);
    const folded = m[1] === ">";
    const chomp = m[3] ?? "";
    const explicit = Number(m[2] || m[4] || 0);
    const base = Math.max(parent, 0);
    let contentIndent = explicit ? base + explicit : -1;
    const body: string[] = [];
    while (this.at < this.end) {
      const raw = this.lines[this.at]!;
      if (raw.trim() === "") {
        body.push(raw.length > contentIndent && contentIndent >= 0 ? raw.slice(contentIndent) : "");
        this.at++;
        continue;
      }
      const indent = raw.length - raw.trimStart().length;
      if (contentIndent < 0) {
        if (indent <= parent) break;
        contentIndent = indent;
      }
      if (indent < contentIndent) break;
      body.push(raw.slice(contentIndent));
      this.at++;
    }
    let last = body.length;
    while (last > 0 && body[last - 1]!.trim() === "" && !/\S/.test(body[last - 1]!)) last--;
    const trailing = body.length - last;
    const lines = body.slice(0, last);
    let text = folded ? foldLines(lines) : lines.join("\n");
    if (lines.length === 0) return chomp === "+" ? "\n".repeat(trailing) : "";
    if (chomp === "+") text += "\n".repeat(trailing + 1);
    else if (chomp === "") text += "\n";
    return text;
  }

  /** A quoted scalar or flow collection that may run over several lines; the line it ends on is consumed. */
  private spanning(text: string, line: number): { value: YamlValue; tail: string } {
    let source = text;
    for (;;) {
      const scan = new FlowScanner(source, line);
      const result = scan.tryValue();
      if (result) {
        this.at = line + 1 + countBreaks(source.slice(0, result.end));
        return { value: result.value, tail: source.slice(result.end).split("\n")[0] ?? "" };
      }
      const nextIndex = line + 1 + countBreaks(source);
      if (nextIndex >= this.end) throw new YamlError("unterminated quoted scalar or flow collection", line);
      source += `\n${this.lines[nextIndex]!}`;
    }
  }
}

function isBlank(line: string): boolean {
  const t = line.trim();
  return t === "" || t.startsWith("#");
}

function isSequenceItem(content: string): boolean {
  return content === "-" || content.startsWith("- ") || content.startsWith("-\t");
}


/** Drops a comment (` #…`) outside quotes. */
function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (quote === '"' && ch === "\\") i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      if (i === 0 || /[\s[{,:]/.test(text[i - 1]!)) quote = ch;
    } else if (ch === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      return text.slice(0, i);
    }
  }
  return text;
}

/** `key: rest` on one line (plain or quoted key), or null when the line is not a mapping entry. */
function splitKey(content: string, line: number): { key: string; rest: string } | null {
  if (content.startsWith('"') || content.startsWith("'")) {
    const result = new FlowScanner(content, line).tryValue();
    if (!result || typeof result.value !== "string") return null;
    const after = content.slice(result.end);
    const m = /^\s*:(\s|$)/.exec(after);
    return m ? { key: result.value, rest: after.slice(m[0].length - m[1]!.length) } : null;
  }
  if (/^[[{]/.test(content) || content.startsWith("#")) return null;
  if (/^\?(\s|$)/.test(content)) throw new YamlError("complex keys are not supported", line);
  const text = stripComment(content);
  const m = /:(\s|$)/.exec(text);
  if (!m) return null;
  const key = text.slice(0, m.index).trim();
  if (key.startsWith("&") || key.startsWith("*") || key.startsWith("!")) throw new YamlError("anchors, aliases and tags are not supported", line);
  return { key, rest: content.slice(m.index + 1) };
}

/** Folded block scalar lines: runs of text lines join with a space; blank and more-indented lines keep their breaks. */
function foldLines(lines: string[]): string {
  let out = "";
  for (let i = 0; i < lines.length; i++) {
    const current = lines[i]!;
    if (i === 0) {
      out = current;
      continue;
    }
    const previous = lines[i - 1]!;
    const foldable = previous !== "" && current !== "" && !/^\s/.test(previous) && !/^\s/.test(current);
    out += (foldable ? " " : "\n") + current;
  }
  // Blank lines between two text lines stand for themselves only (the break before them is folded away).
  return out.replace(/([^\n])\n(\n+)(?=[^\s\n])/g, (_, c: string, breaks: string) => c + breaks);
}
