// Module paths, versions and file paths as the go command checks them (pure), and the `!`-escaping
// of upper-case letters in proxy URLs. Spec: https://go.dev/ref/mod#go-mod-file-ident,
// https://go.dev/ref/mod#goproxy-protocol; the rules of golang.org/x/mod/module (CheckPath, Check,
// CheckFilePath, EscapePath).
import { canonicalVersion, majorOf, parseSemver } from "./semver";

type PathKind = "module" | "file";

const BAD_WINDOWS_NAMES = new Set(["CON", "PRN", "AUX", "NUL", ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`COM${n}`, `LPT${n}`])]);
const FILE_PUNCTUATION = "!#$%&()+,-.=@[]^_{}~ ";

const modulePathChar = (ch: string) => /^[-._~0-9A-Za-z]$/.test(ch);
const fileNameChar = (ch: string) => /^[0-9A-Za-z]$/.test(ch) || FILE_PUNCTUATION.includes(ch) || (ch.codePointAt(0)! >= 0x80 && /^\p{L}$/u.test(ch));

/** Why one element of a path is refused, or null. */
function checkElement(elem: string, kind: PathKind): string | null {
  if (elem === "") return "empty path element";
  if (/^\.+$/.test(elem)) return `invalid path element ${JSON.stringify(elem)}`;
  if (elem.startsWith(".") && kind === "module") return "leading dot in path element";
  if (elem.endsWith(".")) return "trailing dot in path element";
  for (const ch of elem) {
    if (!(kind === "module" ? modulePathChar(ch) : fileNameChar(ch))) return `invalid char ${JSON.stringify(ch)}`;
  }
  const short = elem.split(".")[0] ?? elem;
  if (BAD_WINDOWS_NAMES.has(short.toUpperCase())) return `${JSON.stringify(short)} disallowed as path element component on Windows`;
  if (kind === "file") return null;
  const tilde = short.lastIndexOf("~");
  if (tilde >= 0 && tilde < short.length - 1 && /^\d+$/.test(short.slice(tilde + 1))) return "trailing tilde and digits in path element";
  return null;
}

function checkPathElements(path: string, kind: PathKind): string | null {
  if (path === "") return "empty string";
  if (path.startsWith("-") && kind !== "file") return "leading dash";
  if (path.includes("//")) return "double slash";
  if (path.endsWith("/")) return "trailing slash";
  for (const elem of path.split("/")) {
    const problem = checkElement(elem, kind);
    if (problem) return problem;
  }
  return null;
}

/** `module.SplitPathVersion`: the major-version suffix (`/v2`, `.v1` for gopkg.in), or ok=false when malformed. */
export function splitPathVersion(path: string): { prefix: string; pathMajor: string; ok: boolean } {
  if (path.startsWith("gopkg.in/")) {
    const match = /^(.*)(\.v(\d+))(-unstable)?$/.exec(path);
    if (!match || match[1] === "gopkg.in" || (match[3]!.startsWith("0") && match[3] !== "0")) return { prefix: path, pathMajor: "", ok: false };
    return { prefix: match[1]!, pathMajor: match[2]! + (match[4] ?? ""), ok: true };
  }
  const match = /\/v([0-9.]+)$/.exec(path);
  if (!match || match.index === 0) return { prefix: path, pathMajor: "", ok: true };
  const digits = match[1]!;
  if (digits.includes(".") || digits.startsWith("0") || digits === "1") return { prefix: path, pathMajor: "", ok: false };
  return { prefix: path.slice(0, match.index), pathMajor: `/v${digits}`, ok: true };
}

/** `module.CheckPath`: why a module path is malformed, or null. */
export function checkModulePath(path: string): string | null {
  const problem = checkPathElements(path, "module");
  if (problem) return problem;
  const first = path.split("/")[0]!;
  if (!first.includes(".")) return "missing dot in first path element";
  if (!/^[-.0-9a-z]+$/.test(first)) return `invalid char in first path element ${JSON.stringify(first)}`;
  if (!splitPathVersion(path).ok) return "invalid version";
  return null;
}

/** `module.CheckFilePath` for a path inside a module zip. */
export function checkFilePath(path: string): string | null {
  return checkPathElements(path, "file");
}

/**
 * Why `version` cannot be a version of the module at `path`, or null: it must be canonical
 * (`vX.Y.Z[-pre][+incompatible]`) and match the path's major-version suffix (`/v2` needs v2.x.y;
 * no suffix allows v0, v1 and `+incompatible` versions of v2 and above).
 */
export function checkModuleVersion(path: string, version: string): string | null {
  if (!parseSemver(version)) return `version ${JSON.stringify(version)} is not a semantic version`;
  if (canonicalVersion(version) !== version) return `version ${JSON.stringify(version)} is not canonical (should be ${JSON.stringify(canonicalVersion(version))})`;
  let { pathMajor } = splitPathVersion(path);
  const major = majorOf(version);
  const incompatible = version.endsWith("+incompatible");
  if (incompatible && pathMajor !== "") return `version ${JSON.stringify(version)}: +incompatible is only for modules without a major-version suffix`;
  if (incompatible && (major === "v0" || major === "v1")) return `version ${JSON.stringify(version)}: +incompatible is only for major versions 2 and above`;
  pathMajor = pathMajor.replace(/-unstable$/, "");
  if (pathMajor === ".v1" && version.startsWith("v0.0.0-")) return null;
  if (pathMajor === "") return major === "v0" || major === "v1" || incompatible ? null : `version ${JSON.stringify(version)} should be v0 or v1, not ${major}`;
  return major === pathMajor.slice(1) ? null : `version ${JSON.stringify(version)} should be ${pathMajor.slice(1)}, not ${major}`;
}

/** Proxy URLs write each upper-case letter as `!` + its lower case (`Azure` → `!azure`); null when malformed. */
export function unescapeProxyElement(escaped: string): string | null {
  let out = "";
  for (let i = 0; i < escaped.length; i++) {
    const ch = escaped[i]!;
    if (ch.charCodeAt(0) >= 0x80 || /[A-Z]/.test(ch)) return null;
    if (ch !== "!") {
      out += ch;
      continue;
    }
    const next = escaped[++i];
    if (next === undefined || !/[a-z]/.test(next)) return null;
    out += next.toUpperCase();
  }
  return out;
}

export function escapeProxyElement(text: string): string {
  return text.replace(/[A-Z]/g, (ch) => `!${ch.toLowerCase()}`);
}
