// Peers the benches start as child processes on 127.0.0.1: any server command (`startServerProcess`, e.g.
// `aptly serve`), and the static peer (bench/lib/static_server.py): a directory served as files over HTTP/1.1,
// as teams serve a PyPI index or a Maven repository without a registry.
import { spawn } from "node:child_process";
import path from "node:path";
import { freePort } from "./free-port.mjs";

const PYTHON = "/usr/bin/python3";

/**
 * Starts `command args…` in its own process group; resolves `{url, stop}` once `url + probePath` answers 200
 * (30 s at most). `args(port)` builds the arguments for the free port chosen.
 */
export async function startServerProcess(name, command, args, { probePath = "/", env = process.env } = {}) {
  const port = await freePort();
  const child = spawn(command, args(port), { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
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
    if (child.exitCode !== null) throw new Error(`${name} exited: ${output}`);
    try {
      if ((await fetch(`${url}${probePath}`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`${name} did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop };
}

/** Serves `root` (with `pep503`, after writing its simple/ pages); resolves once `probePath` answers 200. */
export function startStaticServer(root, { pep503 = false, probePath = "/" } = {}) {
  const script = path.join(import.meta.dirname, "static_server.py");
  return startServerProcess("static server", PYTHON, (port) => [script, root, String(port), ...(pep503 ? ["--pep503"] : [])], { probePath });
}
