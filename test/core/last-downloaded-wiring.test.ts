// Downloads reach `last_downloaded_at`: a file served by the app, directly or from the edge cache, notes its
// package off the response path, and the internal mark never reaches the client.
import { expect, it } from "vitest";
import { fetchCounted } from "../support/counting-d1";
import { ADMIN_TOKEN, call, createGroup, createProject, ok, unique } from "../support/api";

it("records the download of a generic file in the Packages API, without showing the mark", async () => {
  const group = await createGroup(unique("dl").toLowerCase());
  const project = await createProject(group.id, { visibility: "public" });
  const path = `/api/v4/projects/${project.id}/packages/generic/tool/1.0.0/tool.bin`;
  await ok(call(path, { method: "PUT", token: ADMIN_TOKEN, body: "bytes" }), 201);
  const [pkg] = await ok(call(`/api/v4/projects/${project.id}/packages`, { token: ADMIN_TOKEN }));
  expect(pkg.last_downloaded_at).toBeNull();
  const download = await fetchCounted(path);
  expect(download.status).toBe(200);
  expect(download.response.headers.has("x-packyard-downloaded-package")).toBe(false);
  const [after] = await ok(call(`/api/v4/projects/${project.id}/packages`, { token: ADMIN_TOKEN }));
  expect(after.last_downloaded_at).not.toBeNull();
  const hit = await fetchCounted(path);
  expect(hit.response.headers.get("x-packyard-cache")).toBe("HIT");
  expect(hit.response.headers.has("x-packyard-downloaded-package")).toBe(false);
});
