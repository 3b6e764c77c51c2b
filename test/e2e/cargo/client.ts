// Drives the real cargo (rustup's, 1.95 on this machine) with a fresh CARGO_HOME per use, so nothing is
// cached between steps and only the registry under test can answer; writes the sample crates.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";

/** cargo from PATH, or rustup's default place; null when the machine has none (the e2e test then skips). */
export function findCargo(): string | null {
  const onPath = spawnSync("cargo", ["--version"], { encoding: "utf8" });
  if (onPath.status === 0) return "cargo";
  const rustup = path.join(homedir(), ".cargo", "bin", "cargo");
  return existsSync(rustup) && spawnSync(rustup, ["--version"]).status === 0 ? rustup : null;
}

const dirs: string[] = [];
export const WORK = mkdtempSync(path.join(tmpdir(), "cargo-e2e-"));
dirs.push(WORK);
export const removeTempDirs = () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
};

/** A CARGO_HOME that knows one registry, `acme`, at `index` (a sparse+ URL). */
export function cargoHome(index: string): string {
  const home = mkdtempSync(path.join(WORK, "home-"));
  writeFileSync(path.join(home, "config.toml"), `[registries.acme]\nindex = "${index}"\ncredential-provider = ["cargo:token"]\n\n[net]\nretry = 0\n\n[term]\ncolor = "never"\n`);
  return home;
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run cargo in `cwd` with this CARGO_HOME and (if given) the registry token; the machine's CARGO_* settings are dropped. */
export function cargo(bin: string, args: string[], cwd: string, home: string, token?: string, input = ""): Promise<Result> {
  const env: Record<string, string> = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !k.startsWith("CARGO_") && v !== undefined) as [string, string][]);
  Object.assign(env, { CARGO_HOME: home, CARGO_TARGET_DIR: path.join(cwd, "target"), CARGO_TERM_COLOR: "never", CARGO_HTTP_TIMEOUT: "30" });
  if (token) env.CARGO_REGISTRIES_ACME_TOKEN = token;
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd, env });
    child.stdin.end(input);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

export function expectOk(result: Result, what: string): Result {
  if (result.code !== 0) throw new Error(`${what} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** A crate directory with Cargo.toml and its sources. */
export function writeCrate(manifest: string, files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(WORK, "crate-"));
  writeFileSync(path.join(dir, "Cargo.toml"), manifest);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** The library everything depends on: `hello()` names its version. */
export function helloCrate(version: string): string {
  return writeCrate(
    `[package]\nname = "acme-hello-cargo"\nversion = "${version}"\nedition = "2021"\ndescription = "Says hello from Packyard"\nlicense = "MIT"\npublish = ["acme"]\n\n[features]\nshout = []\n`,
    {
      "src/lib.rs": `pub fn hello() -> String {\n    let s = format!("hello from acme-hello-cargo ${version}");\n    if cfg!(feature = "shout") { s.to_uppercase() } else { s }\n}\n`,
    },
  );
}

/**
 * A crate that depends on acme-hello-cargo from the same registry, renamed (`hello`, so the index line has
 * `package`), optional and switched on by a `dep:` feature (so the line is schema v2 with `features2`).
 */
export function greeterCrate(): string {
  return writeCrate(
    `[package]\nname = "acme_greeter"\nversion = "0.1.0"\nedition = "2021"\ndescription = "Greets through acme-hello-cargo"\nlicense = "MIT"\npublish = ["acme"]\n\n[dependencies]\nhello = { package = "acme-hello-cargo", version = "1.0", registry = "acme", optional = true, features = ["shout"] }\n\n[features]\ndefault = ["greet"]\ngreet = ["dep:hello"]\n`,
    {
      "src/lib.rs": `#[cfg(feature = "greet")]\npub fn greet() -> String {\n    format!("greeter says: {}", hello::hello())\n}\n`,
    },
  );
}

/** A binary that depends on acme_greeter from the registry and prints its greeting. */
export function consumerCrate(): string {
  return writeCrate(`[package]\nname = "consumer"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[dependencies]\nacme_greeter = { version = "0.1", registry = "acme" }\n`, {
    "src/main.rs": `fn main() {\n    println!("{}", acme_greeter::greet());\n}\n`,
  });
}
