// The rules a module zip must follow, checked on its central directory as golang.org/x/mod/zip's
// CheckZip and Unzip check them (pure): every entry under `<module>@<version>/`, clean file paths the
// go command accepts, no case-insensitive collisions or duplicates, go.mod only at the root, and the
// size limits. Spec: https://go.dev/ref/mod#zip-files
import { entryProblem, type ZipEntry } from "../../core/archive";
import { checkFilePath } from "./module-path";

/** `zip.MaxZipFile`, `zip.MaxGoMod`, `zip.MaxLICENSE`. */
export const MAX_ZIP_BYTES = 500 * 1024 * 1024;
export const MAX_GO_MOD_BYTES = 16 * 1024 * 1024;
export const MAX_LICENSE_BYTES = 16 * 1024 * 1024;
/** How many problems an error message lists before it stops. */
const REPORTED_PROBLEMS = 5;

export interface ModuleZipCheck {
  /** The root go.mod entry, when the module has one. */
  goMod: ZipEntry | null;
  problems: string[];
}

export function checkModuleZip(entries: ZipEntry[], modulePath: string, version: string): ModuleZipCheck {
  const prefix = `${modulePath}@${version}/`;
  const problems: string[] = [];
  const collisions = new Map<string, { path: string; isDir: boolean }>();
  let goMod: ZipEntry | null = null;
  let total = 0;
  let sizeProblem: string | null = null;
  const add = (name: string, problem: string) => problems.push(`${JSON.stringify(name)}: ${problem}`);

  for (const entry of entries) {
    const raw = entry.name;
    if (!entry.utf8Name) {
      problems.push("an entry name is not valid UTF-8");
      continue;
    }
    if (!raw.startsWith(prefix)) {
      add(raw, `path does not have prefix ${JSON.stringify(prefix)}`);
      continue;
    }
    let name = raw.slice(prefix.length);
    if (name === "") continue;
    const isDir = name.endsWith("/");
    if (isDir) name = name.slice(0, -1);
    if (cleanPath(name) !== name) {
      add(raw, "file path is not clean");
      continue;
    }
    const pathProblem = checkFilePath(name);
    if (pathProblem) {
      add(raw, `malformed file path ${JSON.stringify(name)}: ${pathProblem}`);
      continue;
    }
    const collision = checkCollision(collisions, name, isDir);
    if (collision) {
      add(raw, collision);
      continue;
    }
    if (isDir) continue;
    const unreadable = entryProblem(entry);
    if (unreadable) {
      add(raw, unreadable);
      continue;
    }
    const base = name.slice(name.lastIndexOf("/") + 1);
    if (base.toLowerCase() === "go.mod") {
      if (base !== name) {
        add(raw, "go.mod file not in module root directory");
        continue;
      }
      if (name !== "go.mod") {
        add(raw, "go.mod files must have lowercase names");
        continue;
      }
    }
    total += entry.uncompressedSize;
    if (total > MAX_ZIP_BYTES) sizeProblem ??= `total uncompressed size of module contents too large (max size is ${MAX_ZIP_BYTES} bytes)`;
    if (name === "go.mod") {
      if (entry.uncompressedSize > MAX_GO_MOD_BYTES) {
        add(raw, `go.mod file too large (max size is ${MAX_GO_MOD_BYTES} bytes)`);
        continue;
      }
      goMod = entry;
    }
    if (name === "LICENSE" && entry.uncompressedSize > MAX_LICENSE_BYTES) add(raw, `LICENSE file too large (max size is ${MAX_LICENSE_BYTES} bytes)`);
  }
  return { goMod, problems: sizeProblem ? [sizeProblem, ...problems] : problems };
}

/** One message for a refused zip: the first problems and how many more there are. */
export function describeProblems(problems: string[]): string {
  const shown = problems.slice(0, REPORTED_PROBLEMS).join("; ");
  return problems.length > REPORTED_PROBLEMS ? `${shown}; and ${problems.length - REPORTED_PROBLEMS} more` : shown;
}

/** Go's `path.Clean` for a relative slash path. */
function cleanPath(path: string): string {
  const out: string[] = [];
  for (const elem of path.split("/")) {
    if (elem === "" || elem === ".") continue;
    if (elem === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else out.push("..");
    } else out.push(elem);
  }
  return out.join("/") || ".";
}

/** Case-insensitive collisions, duplicate files and paths that are both a file and a directory (x/mod/zip's collisionChecker). */
function checkCollision(seen: Map<string, { path: string; isDir: boolean }>, path: string, isDir: boolean): string | null {
  const key = foldCase(path);
  const other = seen.get(key);
  if (other) {
    if (other.path !== path) return `case-insensitive file name collision: ${JSON.stringify(other.path)} and ${JSON.stringify(path)}`;
    if (other.isDir !== isDir) return `entry ${JSON.stringify(path)} is both a file and a directory`;
    if (!isDir) return `multiple entries for file ${JSON.stringify(path)}`;
  } else seen.set(key, { path, isDir });
  const slash = path.lastIndexOf("/");
  return slash > 0 ? checkCollision(seen, path.slice(0, slash), true) : null;
}

/** A case fold with strings.EqualFold's equivalence for single code points (K, the Kelvin sign and k fold alike). */
function foldCase(text: string): string {
  let out = "";
  for (const ch of text) {
    const upper = ch.toUpperCase();
    const lower = (upper.length === ch.length ? upper : ch).toLowerCase();
    out += lower.length === ch.length ? lower : ch;
  }
  return out;
}
