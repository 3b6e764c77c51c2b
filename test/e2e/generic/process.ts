// Samples the resident memory of the workerd runtime behind a registry started by startRegistry (its pids come
// from `registry.runtimePids()`, looked up again at every sample) from /proc, for the flat-memory checks.
import { readFileSync } from "node:fs";

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
export function sampleRss(runtimePids: () => number[], everyMs = 200) {
  const pids = new Set<number>();
  const read = () => {
    let rss = 0;
    const found = runtimePids();
    if (found.length === 0) throw new Error("no workerd runtime found for the registry under test");
    for (const pid of found) {
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
      /* the runtime is gone */
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
