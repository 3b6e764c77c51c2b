// Finds the `module` directive of a go.mod file as its bytes stream past (pure): line by line, `//`
// comments dropped, the path bare, "quoted" or `raw`. Spec: https://go.dev/ref/mod#go-mod-file-module
//
//   module example.com/acme/hello // comment
//   module "example.com/acme/hello"

/** Longest line kept while looking for the directive; longer lines are skipped. */
const MAX_LINE = 64 * 1024;

export type ModuleDirective = { path: string } | { error: string };

/** Parse one go.mod line: the module path when the line is a `module` directive, null otherwise. */
export function parseModuleLine(line: string): ModuleDirective | null {
  const text = line.trim();
  if (!/^module(\s|"|`|$)/.test(text)) return null;
  const rest = text.slice("module".length).trim();
  let path: string;
  let after: string;
  if (rest.startsWith('"')) {
    const end = closingQuote(rest);
    if (end < 0) return { error: "go.mod: unterminated quoted module path" };
    try {
      path = JSON.parse(rest.slice(0, end + 1)) as string;
    } catch {
      return { error: "go.mod: malformed quoted module path" };
    }
    after = rest.slice(end + 1);
  } else if (rest.startsWith("`")) {
    const end = rest.indexOf("`", 1);
    if (end < 0) return { error: "go.mod: unterminated quoted module path" };
    path = rest.slice(1, end);
    after = rest.slice(end + 1);
  } else {
    const token = /^[^\s]*/.exec(rest)?.[0] ?? "";
    path = token.startsWith("//") ? "" : token;
    after = token.startsWith("//") ? rest : rest.slice(token.length);
  }
  after = after.trim();
  if (after !== "" && !after.startsWith("//")) return { error: "go.mod: usage: module module/path" };
  if (path === "" || path === "(") return { error: "go.mod: usage: module module/path" };
  return { path };
}

function closingQuote(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** Feeds chunks of a go.mod and remembers its first `module` directive. */
export class ModuleDirectiveScanner {
  private readonly decoder = new TextDecoder();
  private line = "";
  private skipping = false;
  result: ModuleDirective | null = null;

  /** A pass-through stream that scans what flows through it. */
  tap(): TransformStream<Uint8Array, Uint8Array> {
    return new TransformStream({
      transform: (chunk, controller) => {
        this.feed(this.decoder.decode(chunk, { stream: true }));
        controller.enqueue(chunk);
      },
      flush: () => this.end(),
    });
  }

  feed(text: string) {
    if (this.result) return;
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0 && !this.result; nl = text.indexOf("\n", start)) {
      this.take(text.slice(start, nl));
      this.completeLine();
      start = nl + 1;
    }
    if (!this.result) this.take(text.slice(start));
  }

  end() {
    if (this.result) return;
    this.feed(this.decoder.decode());
    this.completeLine();
    this.result ??= { error: "go.mod has no module directive" };
  }

  private take(part: string) {
    if (this.skipping) return;
    this.line += part;
    if (this.line.length > MAX_LINE) {
      this.skipping = true;
      this.line = "";
    }
  }

  private completeLine() {
    if (!this.skipping) this.result = parseModuleLine(this.line);
    this.line = "";
    this.skipping = false;
  }
}
