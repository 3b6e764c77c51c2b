// Builds sample Python packages offline with Debian's python3-build (setuptools backend, no isolation).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const SYSTEM_PYTHON = "/usr/bin/python3";

export interface BuiltPackage {
  dir: string;
  wheel: string;
  sdist: string;
}

/** A pure-Python package `name` whose module says hello; `dependencies` are PEP 508 strings. */
export function buildSample(name: string, version: string, dependencies: string[] = [], requiresPython = ">=3.8"): BuiltPackage {
  const root = mkdtempSync(path.join(tmpdir(), `pypi-sample-${name}-`));
  const module = name.replace(/[-.]/g, "_").toLowerCase();
  mkdirSync(path.join(root, module));
  writeFileSync(path.join(root, module, "__init__.py"), `def hello():\n    return "hello from ${name} ${version}"\n`);
  writeFileSync(
    path.join(root, "pyproject.toml"),
    `[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "${name}"
version = "${version}"
description = "Sample ${name} for the Packyard e2e test"
readme = "README.md"
requires-python = "${requiresPython}"
dependencies = [${dependencies.map((d) => JSON.stringify(d)).join(", ")}]
`,
  );
  writeFileSync(path.join(root, "README.md"), `# ${name}\n\nA sample package.\n`);
  execFileSync(SYSTEM_PYTHON, ["-m", "build", "--no-isolation", "--outdir", "dist", "."], { cwd: root, stdio: "pipe" });
  const files = readdirSync(path.join(root, "dist"));
  const wheel = files.find((f) => f.endsWith(".whl"));
  const sdist = files.find((f) => f.endsWith(".tar.gz"));
  if (!wheel || !sdist) throw new Error(`build produced ${files.join(", ")}`);
  return { dir: root, wheel: path.join(root, "dist", wheel), sdist: path.join(root, "dist", sdist) };
}
