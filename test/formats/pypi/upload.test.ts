// twine's upload endpoint in workerd: stored files and metadata, duplicates, digests, validation and permissions.
import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { blobs, packageFiles, packages } from "../../../src/db/schema";
import { addMember, basic, call, createDeployToken, createGroup, createProject, createUser, createJobToken, ADMIN_TOKEN } from "../../support/api";
import { twineBody, twineUpload } from "./helpers";

const db = () => createDb(env.DB);

async function pypiRows(projectId: number) {
  const rows = await db().select().from(packages).where(eq(packages.projectId, projectId)).all();
  const files = rows.length ? await db().select().from(packageFiles).where(inArray(packageFiles.packageId, rows.map((r) => r.id))).all() : [];
  return { rows, files };
}

const blobCount = async () => (await db().select({ id: blobs.id }).from(blobs).all()).length;

describe("PyPI upload", () => {
  it("stores a wheel, then adds the sdist to the same version, with GitLab's metadata", async () => {
    const project = await createProject((await createGroup()).id);
    const wheel = await twineUpload(project.id, { name: "Acme.Hello", version: "1.0.0", fileName: "acme_hello-1.0.0-py3-none-any.whl", fields: { description: "d".repeat(4100) } }, { headers: { authorization: basic("__token__", ADMIN_TOKEN) } });
    expect(wheel.res.status).toBe(201);
    expect(await wheel.res.json()).toEqual({ message: "201 Created" });
    const sdist = await twineUpload(project.id, { name: "Acme.Hello", version: "1.0.0", fileName: "acme.hello-1.0.0.tar.gz", fields: { description: "é".repeat(4100) } }, { token: ADMIN_TOKEN });
    expect(sdist.res.status).toBe(201);

    const { rows, files } = await pypiRows(project.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!).toMatchObject({ packageType: "pypi", name: "Acme.Hello", normalizedName: "acme-hello", version: "1.0.0" });
    expect(rows[0]!.metadata).toMatchObject({ summary: "A test package", requires_python: ">=3.8", metadata_version: "2.1", author_email: "tester@example.com" });
    expect(rows[0]!.metadata.description).toBe("é".repeat(4000));
    expect(files.map((f) => f.fileName).sort()).toEqual(["acme.hello-1.0.0.tar.gz", "acme_hello-1.0.0-py3-none-any.whl"]);
    const whl = files.find((f) => f.fileName.endsWith(".whl"))!;
    expect(whl.sha256).toBe(wheel.digests.sha256);
    expect(whl.md5).toBe(wheel.digests.md5);
    expect(whl.metadata).toEqual({ requires_python: ">=3.8", filetype: "bdist_wheel", python_version: "py3" });
  });

  it("accepts the fields after the file and still checks every digest", async () => {
    const project = await createProject((await createGroup()).id);
    const ok = await twineUpload(project.id, { name: "late-fields", version: "0.1", fileName: "late_fields-0.1-py3-none-any.whl", fieldsAfterContent: true }, { token: ADMIN_TOKEN });
    expect(ok.res.status).toBe(201);
    const before = await blobCount();
    const bad = await twineUpload(project.id, { name: "late-fields", version: "0.2", fileName: "late_fields-0.2-py3-none-any.whl", fieldsAfterContent: true, fields: { blake2_256_digest: "0".repeat(64) } }, { token: ADMIN_TOKEN });
    expect(bad.res.status).toBe(400);
    expect((await bad.res.json<any>()).message).toMatch(/blake2_256_digest mismatch/);
    expect(await blobCount()).toBe(before);
    expect((await pypiRows(project.id)).rows.map((r) => r.version)).toEqual(["0.1"]);
  });

  it("skips other file parts such as a gpg_signature", async () => {
    const project = await createProject((await createGroup()).id);
    const signed = await twineUpload(project.id, { name: "signed", version: "1.0", fileName: "signed-1.0.tar.gz", extraFiles: [{ name: "gpg_signature", filename: "signed-1.0.tar.gz.asc", text: "-----BEGIN PGP SIGNATURE-----" }] }, { token: ADMIN_TOKEN });
    expect(signed.res.status).toBe(201);
    const { files } = await pypiRows(project.id);
    expect(files.map((f) => [f.fileName, f.sha256])).toEqual([["signed-1.0.tar.gz", signed.digests.sha256]]);
  });

  it("refuses the same file twice with 400 and keeps no second blob", async () => {
    const project = await createProject((await createGroup()).id);
    const options = { name: "twice", version: "1.0", fileName: "twice-1.0.tar.gz" };
    expect((await twineUpload(project.id, options, { token: ADMIN_TOKEN })).res.status).toBe(201);
    const before = await blobCount();
    const again = await twineUpload(project.id, options, { token: ADMIN_TOKEN });
    expect(again.res.status).toBe(400);
    expect((await again.res.json<any>()).message).toMatch(/already exists/);
    expect(await blobCount()).toBe(before);
    expect((await pypiRows(project.id)).files).toHaveLength(1);
  });

  it("answers a sha256, md5 or blake2 mismatch with 400 and stores nothing", async () => {
    const project = await createProject((await createGroup()).id);
    const before = await blobCount();
    for (const field of ["sha256_digest", "md5_digest", "blake2_256_digest"]) {
      const wrong = field === "md5_digest" ? "0".repeat(32) : "0".repeat(64);
      const { res } = await twineUpload(project.id, { name: "digests", version: "1.0", fileName: "digests-1.0.tar.gz", fields: { [field]: wrong } }, { token: ADMIN_TOKEN });
      expect(res.status, field).toBe(400);
      expect((await res.json<any>()).message).toMatch(/mismatch/);
    }
    expect(await blobCount()).toBe(before);
    expect((await pypiRows(project.id)).rows).toHaveLength(0);
  });

  it("validates name, version, file name and the body with 400s", async () => {
    const project = await createProject((await createGroup()).id);
    const cases: [Parameters<typeof twineUpload>[1], RegExp][] = [
      [{ name: "ok", version: "not-a-version", fileName: "ok-1.0.tar.gz" }, /Version/],
      [{ name: "bad name", version: "1.0", fileName: "bad-1.0.tar.gz" }, /Name/],
      [{ name: "ok", version: "1.0", fileName: "other-1.0.tar.gz" }, /not a source distribution/],
      [{ name: "ok", version: "1.0", fileName: "ok-2.0-py3-none-any.whl" }, /not a wheel/],
      [{ name: "ok", version: "1.0", fileName: "ok-1.0.exe" }, /Unsupported file type/],
      [{ name: "ok", version: "1.0", fileName: "ok-1.0.tar.gz", fields: { name: null } }, /name is missing/],
      [{ name: "ok", version: "1.0", fileName: "ok-1.0.tar.gz", fields: { sha256_digest: "zz" } }, /sha256_digest is invalid/],
    ];
    for (const [options, message] of cases) {
      const { res } = await twineUpload(project.id, options, { token: ADMIN_TOKEN });
      expect(res.status, JSON.stringify(options)).toBe(400);
      expect((await res.json<any>()).message).toMatch(message);
    }
    const notMultipart = await call(`/api/v4/projects/${project.id}/packages/pypi`, { method: "POST", token: ADMIN_TOKEN, json: { name: "x" } });
    expect(notMultipart.status).toBe(400);
    const { body, contentType } = await twineBody({ name: "cut", version: "1.0", fileName: "cut-1.0.tar.gz" });
    const cut = await call(`/api/v4/projects/${project.id}/packages/pypi`, { method: "POST", token: ADMIN_TOKEN, body: body.slice(0, body.length - 30), headers: { "content-type": contentType } });
    expect(cut.status).toBe(400);
    const noContent = await twineBody({ name: "none", version: "1.0", fileName: "none-1.0.tar.gz" });
    const fieldsOnly = new TextDecoder().decode(noContent.body).replace(/--[^\r]+\r\nContent-Disposition: form-data; name="content"[\s\S]*?\r\n(?=--)/, "");
    const missing = await call(`/api/v4/projects/${project.id}/packages/pypi`, { method: "POST", token: ADMIN_TOKEN, body: fieldsOnly, headers: { "content-type": noContent.contentType } });
    expect(missing.status).toBe(400);
    expect((await missing.json<any>()).message).toBe("content is missing");
    expect((await pypiRows(project.id)).rows).toHaveLength(0);
  });

  it("streams a chunked body of unknown length", async () => {
    const project = await createProject((await createGroup()).id);
    const bytes = new Uint8Array(9 * 1024 * 1024).map((_, i) => i % 251);
    const { body, contentType, digests } = await twineBody({ name: "big", version: "1.0", fileName: "big-1.0-py3-none-any.whl", bytes });
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= body.length) return controller.close();
        controller.enqueue(body.slice(offset, offset + 65_537));
        offset += 65_537;
      },
    });
    const res = await call(`/api/v4/projects/${project.id}/packages/pypi`, { method: "POST", token: ADMIN_TOKEN, body: stream, headers: { "content-type": contentType } });
    expect(res.status).toBe(201);
    const { files } = await pypiRows(project.id);
    expect(files[0]).toMatchObject({ size: bytes.length, sha256: digests.sha256 });
  });

  it("enforces the permission matrix before reading the body", async () => {
    const group = await createGroup(undefined, { visibility: "private" });
    const project = await createProject(group.id, { visibility: "private" });
    const options = { name: "perm", version: "1.0", fileName: "perm-1.0.tar.gz" };
    const anonymous = await twineUpload(project.id, options);
    expect(anonymous.res.status).toBe(401);
    expect(anonymous.res.headers.get("www-authenticate")).toBe('Basic realm="GitLab Packages Registry"');
    const stranger = await createUser();
    expect((await twineUpload(project.id, options, { headers: { authorization: basic("__token__", stranger.token) } })).res.status).toBe(404);
    const reporter = await createUser();
    await addMember("projects", project.id, reporter.id, 20);
    expect((await twineUpload(project.id, options, { headers: { authorization: basic(reporter.username, reporter.token) } })).res.status).toBe(403);
    const reader = await createDeployToken("projects", project.id, ["read_package_registry"]);
    expect((await twineUpload(project.id, options, { headers: { authorization: basic(reader.username, reader.token) } })).res.status).toBe(403);
    const writer = await createDeployToken("projects", project.id, ["write_package_registry"]);
    expect((await twineUpload(project.id, options, { headers: { authorization: basic(writer.username, writer.token) } })).res.status).toBe(201);
    const developer = await createUser();
    await addMember("projects", project.id, developer.id, 30);
    const job = await createJobToken(project.id, developer.token);
    const jobUpload = await twineUpload(project.id, { ...options, fileName: "perm-1.0-py3-none-any.whl" }, { headers: { authorization: basic("gitlab-ci-token", job.token) } });
    expect(jobUpload.res.status).toBe(201);
    const disabled = await createProject(group.id, { package_registry_access_level: "disabled" });
    expect((await twineUpload(disabled.id, options, { token: ADMIN_TOKEN })).res.status).toBe(403);
    expect((await twineUpload(99_999_999, options, { token: ADMIN_TOKEN })).res.status).toBe(404);
    expect((await pypiRows(project.id)).files).toHaveLength(2);
  });
});
