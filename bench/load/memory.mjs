// What the load bench and its control sample about the runtime's memory: the workerd processes under a pid, their
// RSS (VmRSS), how much of it is anonymous (V8's heaps and workerd's malloc heap) and file-backed (the binary,
// SQLite files), and, when workerd's inspector is open, the V8 heap of each isolate (Runtime.getHeapUsage over
// the Chrome DevTools protocol: the user Worker and the D1, R2 and cache simulators are separate isolates).
import { readdirSync, readFileSync } from "node:fs";

/** The workerd processes below `pid` (Miniflare spawns one). */
export function workerdPids(pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(Number(entry), { parent, comm: readFileSync(`/proc/${entry}/comm`, "utf8").trim() });
    } catch {
      /* gone */
    }
  }
  const found = [];
  const walk = (p) => {
    for (const [child, info] of children) {
      if (info.parent !== p) continue;
      if (info.comm.startsWith("workerd")) found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** VmRSS of the processes, MiB. */
export function rssMiB(pids) {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return kb / 1024;
}

/**
 * Where the resident memory lies, MiB (/proc/<pid>/smaps_rollup): `anon` (anonymous: V8's heaps in their pointer
 * cage, and workerd's malloc heap, a tcmalloc linked into the binary: C++ objects, SQLite's page caches, the
 * backing stores of ArrayBuffers and streams) and `file` (file-backed: the 150 MB binary, the SQLite files).
 */
export function rssBreakdownMiB(pids) {
  const out = { anon: 0, file: 0 };
  for (const pid of pids) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      const rss = Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      const anon = Number(/^Anonymous:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      out.anon += anon / 1024;
      out.file += (rss - anon) / 1024;
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * Opens workerd's inspector at `port` and returns `{ heaps(), close() }`: `heaps()` answers, per target ("core:user:…",
 * "d1:db", "r2:bucket", "cache:cache", …), the V8 heap in use and its total (MiB).
 */
export async function inspectIsolates(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const sessions = [];
  for (const target of targets) {
    const ws = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      ws.addEventListener("open", resolve, { once: true });
      ws.addEventListener("error", reject, { once: true });
    });
    let id = 0;
    const pending = new Map();
    const contexts = [];
    ws.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.method === "Runtime.executionContextCreated") contexts.push(message.params.context.id);
      if (message.id && pending.has(message.id)) {
        pending.get(message.id)(message);
        pending.delete(message.id);
      }
    });
    const call = (method, params = {}) =>
      new Promise((resolve) => {
        const n = ++id;
        const timer = setTimeout(() => {
          pending.delete(n);
          resolve({ error: "timeout" });
        }, 10_000);
        pending.set(n, (m) => {
          clearTimeout(timer);
          resolve(m);
        });
        ws.send(JSON.stringify({ id: n, method, params }));
      });
    sessions.push({ name: (target.title ?? target.id).replace(/^workerd: worker /, ""), ws, call, contexts });
  }
  return {
    names: sessions.map((s) => s.name),
    /** { target: { usedMiB, totalMiB } } */
    async heaps() {
      const out = {};
      await Promise.all(
        sessions.map(async (s) => {
          const r = await s.call("Runtime.getHeapUsage");
          if (r.result) out[s.name] = { usedMiB: r.result.usedSize / 2 ** 20, totalMiB: r.result.totalSize / 2 ** 20 };
        }),
      );
      return out;
    },
    /**
     * Forces a full GC in every isolate: `gc()` through Runtime.evaluate, which needs workerd started with the V8
     * flag --expose-gc (MINIFLARE_WORKERD_V8_FLAGS=--expose-gc). HeapProfiler.collectGarbage is no use here: V8
     * runs it as a task on the isolate's foreground runner, which an idle workerd isolate does not run.
     */
    async collectGarbage() {
      const out = {};
      for (const s of sessions) {
        if (!s.contexts.length) await s.call("Runtime.enable");
        const r = await s.call("Runtime.evaluate", { expression: "typeof gc === 'function' ? (gc(), 'ok') : 'no gc()'", contextId: s.contexts[0] });
        out[s.name] = r.result?.result?.value ?? r.error ?? r.result?.exceptionDetails?.text;
      }
      return out;
    },
    close() {
      for (const s of sessions) s.ws.close();
    },
  };
}

/** CPU time (user + system, seconds) the processes have used so far: per request, a cost that other load on the machine does not skew as it does throughput. */
export function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return ticks / 100;
}
