// The token in terraform's archive URL: it opens exactly one file, for a minute, and any change to it (or a
// token made with another key) is refused; without it a private archive needs credentials.
import { describe, expect, it } from "vitest";
import { DOWNLOAD_TOKEN_SECONDS, signDownloadToken, verifyDownloadToken } from "../../../src/formats/terraform/download-token";
import { ADMIN_TOKEN } from "../../support/api";
import { archiveUrl, call, fetchArchive, seedModuleProject, terraformGet, upload, uploadPath, v1 } from "./support";

async function publishedModule() {
  const { group, project, developer } = await seedModuleProject();
  for (const version of ["1.0.0", "1.1.0"]) expect((await upload(uploadPath(project.id, "vpc", "aws", version), `vpc ${version}`, { token: developer.token })).status).toBe(201);
  const url = archiveUrl(await terraformGet(`${v1(group.path, "vpc", "aws")}/1.0.0/download`, developer.token));
  return { group, project, developer, url, token: url.searchParams.get("token")! };
}

const withToken = (url: URL, token: string, pathname = url.pathname) => {
  const copy = new URL(url);
  copy.pathname = pathname;
  copy.searchParams.set("token", token);
  return copy;
};

async function expectRefused(url: URL) {
  const res = await fetchArchive(url);
  expect(res.status, url.pathname).toBe(401);
  expect(res.headers.get("www-authenticate")).toBeTruthy();
  expect(res.headers.get("cache-control")).toMatch(/no-store/);
  expect(((await res.json()) as { message: string }).message).toMatch(/download token/);
}

describe("the download token in X-Terraform-Get", () => {
  it("opens the archive without credentials; without the token the private archive asks for them", async () => {
    const { url } = await publishedModule();
    expect((await fetchArchive(url)).status).toBe(200);
    const bare = new URL(url);
    bare.searchParams.delete("token");
    expect((await fetchArchive(bare)).status).toBe(401);
  });

  it("opens only the file it was made for: not another version, module or namespace", async () => {
    const { group, project, developer, url, token } = await publishedModule();
    expect((await upload(uploadPath(project.id, "vpc", "gcp", "1.0.0"), "other module", { token: developer.token })).status).toBe(201);
    await expectRefused(withToken(url, token, `${v1(group.path, "vpc", "aws")}/1.1.0/file`));
    await expectRefused(withToken(url, token, `${v1(group.path, "vpc", "gcp")}/1.0.0/file`));
    const other = await seedModuleProject();
    await expectRefused(withToken(url, token, `${v1(other.group.path, "vpc", "aws")}/1.0.0/file`));
  });

  it("refuses a token whose payload or signature was changed, or that is malformed", async () => {
    const { url, token } = await publishedModule();
    const [payload, signature] = token.split(".") as [string, string];
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { file: { size: number } };
    claims.file.size = 1;
    const forgedPayload = btoa(JSON.stringify(claims)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    await expectRefused(withToken(url, `${forgedPayload}.${signature}`));
    const flipped = `${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`;
    await expectRefused(withToken(url, `${payload}.${flipped}`));
    for (const junk of ["x", `${payload}.`, `${payload}.${signature}.x`, "%%%.%%%"]) await expectRefused(withToken(url, junk));
  });

  it("refuses an expired token and one signed with another key", async () => {
    const { group, url } = await publishedModule();
    const claims = (exp: number) => ({ path: `${group.path}/vpc/aws/1.0.0`, file: { blobId: "00000000-0000-0000-0000-000000000000", fileName: "vpc-aws-1.0.0.tgz", size: 9, sha256: "0".repeat(64) }, exp });
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(withToken(url, await signDownloadToken(ADMIN_TOKEN, claims(now - 1))));
    await expectRefused(withToken(url, await signDownloadToken("another-secret", claims(now + 60))));
  });

  it("expires DOWNLOAD_TOKEN_SECONDS after it was made (pure check)", async () => {
    const file = { blobId: "b", fileName: "f.tgz", size: 1, sha256: "0".repeat(64) };
    const token = await signDownloadToken("k", { path: "ns/a/b/1.0.0", file, exp: 1000 + DOWNLOAD_TOKEN_SECONDS });
    expect(await verifyDownloadToken("k", token, "ns/a/b/1.0.0", 1000)).toEqual({ ok: true, file });
    expect(await verifyDownloadToken("k", token, "ns/a/b/1.0.0", 1000 + DOWNLOAD_TOKEN_SECONDS)).toEqual({ ok: false, reason: "expired" });
    expect(await verifyDownloadToken("k", token, "ns/a/b/1.0.1", 1000)).toEqual({ ok: false, reason: "other_file" });
    expect(await verifyDownloadToken("other", token, "ns/a/b/1.0.0", 1000)).toEqual({ ok: false, reason: "signature" });
  });

  it("is made only for credentialed callers, and never stored by a cache", async () => {
    const { group, developer } = await publishedModule();
    const res = await call(`${v1(group.path, "vpc", "aws")}/1.0.0/download`, { token: developer.token });
    expect(res.status).toBe(204);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(archiveUrl(res).searchParams.get("token")).toBeTruthy();
  });
});
