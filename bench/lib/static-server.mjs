// The benches' static peer (bench/lib/static_server.py) as a child process on 127.0.0.1: a directory served as
// files over HTTP/1.1, as teams serve a PyPI index or a Maven repository without a registry.
import { spawn } from "node:child_process";
import path from "node:path";
import { freePort } from "./free-port.mjs";

const PYTHON = "/usr/bin/python3";

/** Serves `root` (with `pep503`, after writing its simple/ pages); resolves once `probePath` answers 200. */
export async function startStaticServer(root, { pep503 = false, probePath = "/" } = {}) {
  const port = await freePort();
  const args = [path.join(import.meta.dirname, "static_server.py"), root, String(port), ...(pep503 ? ["--pep503"] : [])];
  const child = spawn(PYTHON, args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let output = "";
  child.stderr.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* gone */
    }
  };
  for (const deadline = Date.now() + 30_000; ; ) {
    if (child.exitCode !== null) throw new Error(`static server exited: ${output}`);
    try {
      if ((await fetch(`${url}${probePath}`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`static server did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop };
}
