// Files uploaded to `incoming` that no .changes claims are removed after three hours (GitLab's
// CleanupDanglingPackageFilesWorker), through the publish coordinator, by the Worker's cron trigger.
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../../src/index";
import { removeExpiredFiles } from "../../../src/core/expiring-files";
import { EXPIRING_FILES } from "../../../src/formats";
import { addMember, call, createGroup, createProject, createUser, unique } from "../../support/api";
import { controlText, deb } from "./debs";

const enc = new TextEncoder();
const HOUR = 3600 * 1000;

async function seed() {
  const group = await createGroup(unique("debinc"));
  const project = await createProject(group.id, { visibility: "private" });
  const developer = await createUser();
  await addMember("projects", project.id, developer.id, 30);
  const auth = { authorization: `Basic ${btoa(`${developer.username}:${developer.token}`)}` };
  const repo = `/api/v4/projects/${project.id}/packages/debian`;
  expect((await call(`/api/v4/projects/${project.id}/debian_distributions?codename=bookworm`, { method: "POST", headers: auth })).status).toBe(201);
  const put = async (file: string, bytes: Uint8Array) => expect((await call(`${repo}/${file}`, { method: "PUT", body: bytes, headers: auth })).status, file).toBe(201);
  const waiting = async () =>
    (
      await env.DB.prepare("SELECT f.file_name AS name FROM package_files f JOIN packages p ON p.id = f.package_id WHERE p.project_id = ? AND p.name = 'incoming' ORDER BY f.id")
        .bind(project.id)
        .all<{ name: string }>()
    ).results.map((r) => r.name);
  return { project, auth, repo, put, waiting };
}

describe("unclaimed incoming files", () => {
  it("stay three hours, then the cleanup removes them through the coordinator; a later .changes misses them", async () => {
    const s = await seed();
    const pkg = await deb(controlText("orphan", "1.0"));
    await s.put("orphan_1.0_all.deb", pkg);
    await s.put("orphan_1.0_amd64.buildinfo", enc.encode("Format: 1.0\nSource: orphan\n"));
    expect(EXPIRING_FILES).toContainEqual({ packageType: "debian", normalizedName: "incoming", status: "processing", afterSeconds: 3 * 3600 });

    await removeExpiredFiles(env, EXPIRING_FILES, Date.now() + 2 * HOUR);
    expect(await s.waiting()).toEqual(["orphan_1.0_all.deb", "orphan_1.0_amd64.buildinfo"]);
    const run = await removeExpiredFiles(env, EXPIRING_FILES, Date.now() + 3 * HOUR + 60_000);
    expect(run.files).toBeGreaterThanOrEqual(2);
    expect(await s.waiting()).toEqual([]);

    const sha = [...new Uint8Array(await crypto.subtle.digest("SHA-256", pkg))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const changes = `Format: 1.8\nSource: orphan\nDistribution: bookworm\nFiles:\n 0 ${pkg.byteLength} misc optional orphan_1.0_all.deb\nChecksums-Sha256:\n ${sha} ${pkg.byteLength} orphan_1.0_all.deb\n`;
    const late = await call(`${s.repo}/orphan_1.0_amd64.changes`, { method: "PUT", body: changes, headers: { ...s.auth, "content-type": "application/x-www-form-urlencoded" } });
    expect(late.status).toBe(400);
    expect(await late.text()).toContain("orphan_1.0_all.deb");
  });

  it("are removed by the Worker's scheduled handler, which leaves fresh uploads and published packages alone", async () => {
    const s = await seed();
    await s.put("old_1.0_all.deb", await deb(controlText("old", "1.0")));
    await s.put("fresh_1.0_all.deb", await deb(controlText("fresh", "1.0")));
    expect((await call(`${s.repo}/kept_1.0_all.deb?distribution=bookworm&component=main`, { method: "PUT", body: await deb(controlText("kept", "1.0")), headers: s.auth })).status).toBe(201);
    // The old upload was stored four hours ago.
    await env.DB.prepare("UPDATE package_files SET created_at = created_at - ? WHERE file_name IN ('old_1.0_all.deb', 'kept_1.0_all.deb') AND package_id IN (SELECT id FROM packages WHERE project_id = ?)")
      .bind(4 * HOUR, s.project.id)
      .run();
    const ctx = createExecutionContext();
    await worker.scheduled({ cron: "17 * * * *", scheduledTime: Date.now(), noRetry() {} } as ScheduledController, env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await s.waiting()).toEqual(["fresh_1.0_all.deb"]);
    expect((await call(`${s.repo}/pool/bookworm/k/kept/1.0/kept_1.0_all.deb`, { headers: s.auth })).status).toBe(200);
  });
});
