// Finds the workerd runtime behind a `wrangler dev` started by startRegistry (found by its
// --persist-to state dir) and samples its resident memory from /proc, for the flat-memory checks.
// wrangler dev runs two workerd processes: a proxy bound to the dev port and the runtime that runs
// the Worker (restarted when sources change), so the runtime is looked up again at every sample.
import { readdirSync, readFileSync } from "node:fs";

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return -1;
  }
}

/** The runtime workerd pids (not the proxy on `port`) under the wrangler whose command line names `stateDir`. */
export function findWorkerdRuntimes(stateDir: string, port: number): number[] {
  const pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p)).map(Number);
  const wrangler = pids.filter((p) => cmdline(p).includes("wrangler") && cmdline(p).includes(stateDir));
  if (wrangler.length === 0) throw new Error(`no wrangler process for ${stateDir}`);
  const underWrangler = (pid: number) => {
    for (let p = parentOf(pid), hops = 0; p > 1 && hops < 10; p = parentOf(p), hops++) if (wrangler.includes(p)) return true;
    return false;
  };
  return pids.filter((p) => {
    const cmd = cmdline(p);
    return /workerd/.test(cmd.split(" ")[0]) && !cmd.includes(`127.0.0.1:${port} `) && underWrangler(p);
  });
}

/** VmRSS / VmHWM in MiB (0 when the process is gone). */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** Samples the runtime's VmRSS every `everyMs` until stopped; returns the peak seen and the pids. */
export function sampleRss(stateDir: string, port: number, everyMs = 200) {
  const pids = new Set<number>();
  const read = () => {
    let rss = 0;
    for (const pid of findWorkerdRuntimes(stateDir, port)) {
      pids.add(pid);
      rss = Math.max(rss, memoryOf(pid).rss);
    }
    return rss;
  };
  const start = read();
  let peak = start;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, read());
    } catch {
      /* wrangler gone */
    }
  }, everyMs);
  return {
    start,
    stop: () => {
      clearInterval(timer);
      return { start, peak, pids: [...pids] };
    },
  };
}
