// Quoted scalars and flow collections for the YAML reader (yaml-parse.ts), over text that may span lines:
// double-quoted escapes and line folding, '' in single quotes, [a, b] and {k: v} with nesting and comments.
// Spec: https://yaml.org/spec/1.2.2/#chapter-7-flow-style-productions

export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

export class YamlError extends Error {
  constructor(message: string, line?: number) {
    super(line === undefined ? message : `line ${line + 1}: ${message}`);
    this.name = "YamlError";
  }
}

/** Plain scalars that mean null. */
export const NULLS = new Set(["", "~", "null", "Null", "NULL"]);

export function countBreaks(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === "\n") n++;
  return n;
}

/** Reads quoted scalars and flow collections from a string that may hold several lines. */
export class FlowScanner {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly line: number,
  ) {}

  /** The value at the start and where it ended; null when the text ends before it does. */
  tryValue(): { value: YamlValue; end: number } | null {
    try {
      const value = this.value();
      return { value, end: this.i };
    } catch (error) {
      if (error instanceof Incomplete) return null;
      throw error;
    }
  }

  private value(): YamlValue {
    this.space();
    const ch = this.s[this.i];
    if (ch === undefined) throw new Incomplete();
    if (ch === '"') return this.doubleQuoted();
    if (ch === "'") return this.singleQuoted();
    if (ch === "[") return this.sequence();
    if (ch === "{") return this.mapping();
    if (ch === "&" || ch === "*" || ch === "!") throw new YamlError("anchors, aliases and tags are not supported", this.line);
    return this.plain();
  }

  private space() {
    while (this.i < this.s.length) {
      const ch = this.s[this.i]!;
      if (ch === " " || ch === "\t" || ch === "\n") this.i++;
      else if (ch === "#" && (this.i === 0 || /\s/.test(this.s[this.i - 1]!))) {
        while (this.i < this.s.length && this.s[this.i] !== "\n") this.i++;
      } else break;
    }
  }

  private sequence(): YamlValue[] {
    this.i++;
    const out: YamlValue[] = [];
    for (;;) {
      this.space();
      if (this.s[this.i] === undefined) throw new Incomplete();
      if (this.s[this.i] === "]") {
        this.i++;
        return out;
      }
      const item = this.value();
      this.space();
      if (this.s[this.i] === ":") {
        // `[key: value]` is a sequence holding a one-entry mapping.
        this.i++;
        const entry: { [key: string]: YamlValue } = Object.create(null);
        entry[keyText(item, this.line)] = this.value();
        out.push(entry);
        this.space();
      } else {
        out.push(item);
      }
      this.separator("]");
    }
  }

  private mapping(): { [key: string]: YamlValue } {
    this.i++;
    const out: { [key: string]: YamlValue } = Object.create(null);
    for (;;) {
      this.space();
      if (this.s[this.i] === undefined) throw new Incomplete();
      if (this.s[this.i] === "}") {
        this.i++;
        return out;
      }
      const key = keyText(this.value(), this.line);
      this.space();
      if (this.s[this.i] === ":") {
        this.i++;
        this.space();
        out[key] = this.s[this.i] === "," || this.s[this.i] === "}" ? null : this.value();
      } else {
        out[key] = null;
      }
      this.space();
      this.separator("}");
    }
  }

  private separator(close: "]" | "}") {
    const ch = this.s[this.i];
    if (ch === undefined) throw new Incomplete();
    if (ch === ",") this.i++;
    else if (ch !== close) throw new YamlError(`expected , or ${close} in a flow collection`, this.line);
  }

  /** A plain scalar inside a flow collection ends at `,`, `[`, `]`, `{`, `}`, `: ` or ` #`. */
  private plain(): YamlValue {
    const start = this.i;
    while (this.i < this.s.length) {
      const ch = this.s[this.i]!;
      if (",[]{}".includes(ch)) break;
      if (ch === ":" && /[\s,[\]{}]/.test(this.s[this.i + 1] ?? " ")) break;
      if (ch === "#" && /\s/.test(this.s[this.i - 1] ?? "")) break;
      this.i++;
    }
    if (this.i >= this.s.length) throw new Incomplete();
    const text = this.s
      .slice(start, this.i)
      .split("\n")
      .map((l) => l.trim())
      .join(" ")
      .trim();
    return NULLS.has(text) ? null : text;
  }

  private singleQuoted(): string {
    this.i++;
    let raw = "";
    for (;;) {
      const ch = this.s[this.i];
      if (ch === undefined) throw new Incomplete();
      if (ch === "'") {
        if (this.s[this.i + 1] === "'") {
          raw += "'";
          this.i += 2;
          continue;
        }
        this.i++;
        return foldQuoted(raw);
      }
      raw += ch;
      this.i++;
    }
  }

  private doubleQuoted(): string {
    this.i++;
    let out = "";
    let pendingSpace = "";
    for (;;) {
      const ch = this.s[this.i];
      if (ch === undefined) throw new Incomplete();
      if (ch === '"') {
        this.i++;
        return out + pendingSpace;
      }
      if (ch === "\n") {
        // A line break folds: one break becomes a space, each further (empty) line a break.
        let breaks = 0;
        while (this.i < this.s.length && /[\s]/.test(this.s[this.i]!)) {
          if (this.s[this.i] === "\n") breaks++;
          this.i++;
        }
        out = out.replace(/[ \t]+$/, "") + (breaks > 1 ? "\n".repeat(breaks - 1) : " ");
        pendingSpace = "";
        continue;
      }
      if (ch === "\\") {
        const next = this.s[this.i + 1];
        if (next === undefined) throw new Incomplete();
        if (next === "\n") {
          // An escaped line break joins the lines without a space.
          this.i += 2;
          while (this.s[this.i] === " " || this.s[this.i] === "\t") this.i++;
          continue;
        }
        out += this.escape(next);
        continue;
      }
      out += ch;
      this.i++;
    }
  }

  private escape(code: string): string {
    const simple: Record<string, string> = {
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
    const known = simple[code];
    if (known !== undefined) {
      this.i += 2;
      return known;
    }
    const width = code === "x" ? 2 : code === "u" ? 4 : code === "U" ? 8 : 0;
    const hex = this.s.slice(this.i + 2, this.i + 2 + width);
    if (width === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) throw new YamlError(`invalid escape \\${code} in a double-quoted scalar`, this.line);
    this.i += 2 + width;
    const point = Number.parseInt(hex, 16);
    if (point > 0x10ffff) throw new YamlError(`invalid escape \\${code}${hex}`, this.line);
    return String.fromCodePoint(point);
  }
}

class Incomplete extends Error {}

function keyText(value: YamlValue, line: number): string {
  if (value === null) return "";
  if (typeof value !== "string") throw new YamlError("complex keys are not supported", line);
  return value;
}

/** Line folding inside single quotes: trailing and leading blanks of a break go; one break is a space. */
function foldQuoted(raw: string): string {
  if (!raw.includes("\n")) return raw;
  return raw.replace(/[ \t]*\n([ \t\n]*)/g, (_, rest: string) => {
    const breaks = countBreaks(rest);
    return breaks > 0 ? "\n".repeat(breaks) : " ";
  });
}
