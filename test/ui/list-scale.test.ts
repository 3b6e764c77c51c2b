// The project list page with 1000 packages: the same few D1 statements as with one, and its render time
// printed for docs/ui.md (no timing assertion; local workerd numbers, not production ones).
import { NO_AUTHOR } from "../support/packages";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { putBlob } from "../../src/core/blobs";
import { commitPackage } from "../../src/core/publish/client";
import { createGroup, createProject } from "../support/api";
import { browser, d1Queries, textOf } from "./support";

const PACKAGES = 1000;
const CONCURRENCY = 16;

describe("project list page with 1000 packages", () => {
  it("keeps to 4 D1 statements per page and reports its render time", { timeout: 300_000 }, async () => {
    const project = await createProject((await createGroup()).id, { visibility: "public" });
    let next = 0;
    const worker = async () => {
      while (next < PACKAGES) {
        const i = next++;
        const text = `package ${i}`;
        const blob = await putBlob(env, new Response(text).body!, { contentLength: text.length, maxBytes: 1024 });
        const name = `pkg-${String(i).padStart(4, "0")}`;
        const type = ["npm", "pypi", "generic", "maven"][i % 4]!;
        await commitPackage(env, { projectId: project.id, packageType: type, name, normalizedName: name, ops: [{ kind: "publish", version: `1.0.${i % 50}`, files: [{ blob, fileName: `${name}.bin` }], duplicates: { kind: "allow" } }], author: NO_AUTHOR });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const base = `/${project.path_with_namespace}/-/packages`;
    const views = ["", "?page=25", "?order_by=name&sort=asc", "?order_by=version", "?search=pkg-09", "?type=pypi&order_by=name&page=10"];
    const b = browser();
    const rows: { view: string; queries: number; medianMs: number; shown: string }[] = [];
    for (const view of views) {
      const times: number[] = [];
      let last: Awaited<ReturnType<typeof b.get>> | null = null;
      for (let run = 0; run < 7; run++) {
        const started = performance.now();
        last = await b.get(base + view);
        times.push(performance.now() - started);
      }
      expect(last!.status).toBe(200);
      expect(d1Queries(last!.res)).toBeLessThanOrEqual(4);
      times.sort((x, y) => x - y);
      rows.push({ view: view || "(default)", queries: d1Queries(last!.res), medianMs: Math.round(times[3]! * 10) / 10, shown: textOf(last!.html).match(/Showing [^ ]+ of \d+ packages?/)?.[0] ?? "" });
    }
    expect(rows[0]!.shown).toBe("Showing 1–20 of 1000 packages");
    expect(rows[4]!.shown).toBe("Showing 1–20 of 100 packages");
    const table = rows.map((r) => `${r.view.padEnd(36)} ${String(r.queries).padStart(2)} queries ${String(r.medianMs).padStart(7)} ms  ${r.shown}`).join("\n");
    console.log(`project list page, ${PACKAGES} packages (workerd, local D1; median of 7)\n${table}`);
  });
});
