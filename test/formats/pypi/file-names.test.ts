// Issue 11 (item 11): a file name that could not be downloaded again (control characters, DEL, path
// separators) is refused with 400 at upload, before any byte reaches R2, whatever the field order.
import { recordingBucket } from "../../support/recording-bucket";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, createGroup, createProject } from "../../support/api";
import { twineUpload, twineUploadWith } from "./helpers";

/** `filename*` carries any byte percent-encoded (RFC 7578 §4.2), as a raw header line cannot hold CR/LF. */
const encoded = (fileName: string) => `filename*=UTF-8''${encodeURIComponent(fileName)}`;

const UNSAFE: [string, string][] = [
  ["CR/LF in a wheel tag", "ok-1.0-py3-none-any\r\n.whl"],
  ["LF after an sdist version", "ok-1.0\n.tar.gz"],
  ["a TAB", "ok-1.0-py3-none-any\t.whl"],
  ["NUL", "ok-1.0-py3-none\u0000-any.whl"],
  ["DEL", "ok-1.0-py3-none-any\u007f.whl"],
  ["a C1 control (NEL)", "ok-1.0-py3-none-any\u0085.whl"],
  ["a slash", "dist/ok-1.0.tar.gz"],
  ["a backslash", "dist\\ok-1.0.tar.gz"],
];

describe("PyPI upload file names", () => {
  for (const [label, fileName] of UNSAFE) {
    it(`refuses a file name with ${label} before storing a byte`, async () => {
      const project = await createProject((await createGroup()).id);
      for (const fieldsAfterContent of [false, true]) {
        const recorder = recordingBucket(env.BLOBS);
        const options = { name: "ok", version: "1.0", fileName, fileNameParam: encoded(fileName), fieldsAfterContent };
        const res = await twineUploadWith({ BLOBS: recorder.bucket }, project.id, options, ADMIN_TOKEN);
        expect(res.status, `fields after content: ${fieldsAfterContent}`).toBe(400);
        expect((await res.json<any>()).message).toBe(`Invalid file name ${JSON.stringify(fileName)}`);
        expect(recorder.keys).toEqual([]);
      }
      const index = await call(`/api/v4/projects/${project.id}/packages/pypi/simple/`, { token: ADMIN_TOKEN });
      expect(await index.text()).not.toContain("ok/");
    });
  }

  it("still accepts and serves an ordinary name sent as filename*", async () => {
    const project = await createProject((await createGroup()).id);
    const fileName = "ok-1.0-py3-none-any.whl";
    const { res, digests } = await twineUpload(project.id, { name: "ok", version: "1.0", fileName, fileNameParam: encoded(fileName) }, { token: ADMIN_TOKEN });
    expect(res.status).toBe(201);
    const download = await call(`/api/v4/projects/${project.id}/packages/pypi/files/${digests.sha256}/${fileName}`, { token: ADMIN_TOKEN });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="${fileName}"; filename*=UTF-8''${fileName}`);
  });
});
