// Helm in workerd: the upload helm cm-push sends, the channel's index.yaml, chart and provenance downloads,
// channels, duplicates, refused charts and who may do what.
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN } from "../../support/api";
import { parseYaml } from "../../../src/formats/helm/yaml-parse";
import { chartTgz, chartYaml, gzip, provenanceFor, sha256Hex, tar } from "./charts";
import { basicAuth, call, getIndex, helmBase, seedProject, uploadChart } from "./support";

interface IndexDoc {
  apiVersion: string;
  entries: Record<string, { name: string; version: string; digest: string; urls: string[]; created: string; description?: string; appVersion?: string }[]>;
  generated: string;
  serverInfo: { contextPath: string };
}

let fx: Awaited<ReturnType<typeof seedProject>>;
let auth: Record<string, string>;
beforeAll(async () => {
  fx = await seedProject("private");
  auth = basicAuth(fx.developer);
});

async function readIndex(channel: string, projectId: number = fx.project.id): Promise<IndexDoc> {
  const res = await getIndex(projectId, channel, auth);
  expect(res.status).toBe(200);
  return parseYaml(await res.text()) as unknown as IndexDoc;
}

async function packageFiles(name: string) {
  const list = (await (await call(`/api/v4/projects/${fx.project.id}/packages?package_type=helm&package_name=${name}`, { token: ADMIN_TOKEN })).json()) as { id: number; name: string; version: string }[];
  const pkg = list.find((p) => p.name === name);
  if (!pkg) return { pkg: null, files: [] as { file_name: string; file_sha256: string }[] };
  const files = (await (await call(`/api/v4/projects/${fx.project.id}/packages/${pkg.id}/package_files`, { token: ADMIN_TOKEN })).json()) as { file_name: string; file_sha256: string }[];
  return { pkg, files };
}

describe("publishing and installing", () => {
  it("takes a chart as helm cm-push sends it, lists it in the channel's index.yaml, and serves the URL listed there", async () => {
    const tgz = await chartTgz(chartYaml("hello", "0.1.0", "keywords: [demo]\n"));
    const res = await uploadChart(fx.project.id, "stable", { chart: tgz }, auth);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ message: "201 Created" });

    const indexRes = await getIndex(fx.project.id, "stable", auth);
    expect(indexRes.headers.get("content-type")).toMatch(/^text\/yaml/);
    expect(indexRes.headers.get("x-content-type-options")).toBe("nosniff");
    const text = await indexRes.text();
    expect(text).toMatch(/^apiVersion: v1\nentries:\n {2}hello:\n {2}- apiVersion: v2\n/);
    const index = parseYaml(text) as unknown as IndexDoc;
    const sha = await sha256Hex(tgz);
    expect(index.apiVersion).toBe("v1");
    expect(index.serverInfo).toEqual({ contextPath: `/api/v4/projects/${fx.project.id}/packages/helm` });
    expect(index.entries.hello).toEqual([
      {
        apiVersion: "v2",
        appVersion: "1.16.0",
        created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
        description: "A Helm chart for Kubernetes",
        digest: sha,
        keywords: ["demo"],
        name: "hello",
        type: "application",
        urls: ["charts/hello-0.1.0.tgz"],
        version: "0.1.0",
      },
    ]);

    // helm resolves `urls` against the repository URL (…/helm/stable/).
    const download = await call(`${helmBase(fx.project.id)}/stable/${index.entries.hello![0]!.urls[0]}`, { headers: auth });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(download.headers.get("etag")).toBe(`"${sha}"`);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(tgz);

    const { files } = await packageFiles("hello");
    expect(files.map((f) => [f.file_name, f.file_sha256])).toEqual([["hello-0.1.0.tgz", sha]]);
  });

  it("accepts the :id as a URL-encoded path and writes it into serverInfo.contextPath as sent", async () => {
    const ref = encodeURIComponent(fx.project.path_with_namespace);
    await uploadChart(ref, "stable", { chart: await chartTgz(chartYaml("by-path", "1.0.0")) }, auth);
    const res = await getIndex(ref, "stable", auth);
    const index = parseYaml(await res.text()) as unknown as IndexDoc;
    expect(index.serverInfo.contextPath).toBe(`/api/v4/projects/${ref}/packages/helm`);
    expect(index.entries["by-path"]?.[0]?.version).toBe("1.0.0");
  });

  it("lists versions newest first and keeps channels apart", async () => {
    for (const version of ["1.0.0", "1.10.0", "1.2.0", "2.0.0-rc.1"]) {
      expect((await uploadChart(fx.project.id, "devel", { chart: await chartTgz(chartYaml("multi", version)) }, auth)).status).toBe(201);
    }
    expect((await uploadChart(fx.project.id, "stable", { chart: await chartTgz(chartYaml("multi", "0.9.0")) }, auth)).status).toBe(201);
    expect((await readIndex("devel")).entries.multi!.map((e) => e.version)).toEqual(["2.0.0-rc.1", "1.10.0", "1.2.0", "1.0.0"]);
    expect((await readIndex("stable")).entries.multi!.map((e) => e.version)).toEqual(["0.9.0"]);
    expect((await readIndex("nothing-here")).entries).toEqual({});
    // A chart of another channel is not served through this one.
    expect((await call(`${helmBase(fx.project.id)}/stable/charts/multi-1.0.0.tgz`, { headers: auth })).status).toBe(404);
    expect((await call(`${helmBase(fx.project.id)}/devel/charts/multi-1.0.0.tgz`, { headers: auth })).status).toBe(200);
  });

  it("lets a second upload of a version replace the first in the index and the download, keeping both files as GitLab does", async () => {
    const first = await chartTgz(chartYaml("dup", "1.0.0", "home: https://one.example\n"));
    const second = await chartTgz(chartYaml("dup", "1.0.0", "home: https://two.example\n"));
    expect((await uploadChart(fx.project.id, "stable", { chart: first }, auth)).status).toBe(201);
    expect((await uploadChart(fx.project.id, "stable", { chart: second }, auth)).status).toBe(201);
    const entries = (await readIndex("stable")).entries.dup!;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ digest: await sha256Hex(second), home: "https://two.example" });
    const download = await call(`${helmBase(fx.project.id)}/stable/charts/dup-1.0.0.tgz`, { headers: auth });
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(second);
    expect((await packageFiles("dup")).files.map((f) => f.file_name)).toEqual(["dup-1.0.0.tgz", "dup-1.0.0.tgz"]);
  });

  it("names the file after the chart, whatever the form's file name, and tells apart names that hold a dash", async () => {
    const tgz = await chartTgz(chartYaml("my-app", "1.0.0-beta.2"), { top: "my-app" });
    expect((await uploadChart(fx.project.id, "stable", { chart: tgz, chartName: "whatever.tgz" }, auth)).status).toBe(201);
    const res = await call(`${helmBase(fx.project.id)}/stable/charts/my-app-1.0.0-beta.2.tgz`, { headers: auth });
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(tgz);
  });
});

describe("large charts", () => {
  it("streams a 14 MB chart through the archive reader into storage and back", async () => {
    const random = (size: number) => {
      const out = new Uint8Array(size);
      for (let i = 0; i < size; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(size, i + 65536)));
      return out;
    };
    const archive = tar([
      { name: "big/Chart.yaml", data: chartYaml("big", "1.0.0") },
      ...[1, 2, 3].map((n) => ({ name: `big/files/blob-${n}.bin`, data: random(4.5 * 1024 * 1024) })),
    ]);
    const tgz = await gzip(archive);
    expect(tgz.byteLength).toBeGreaterThan(13 * 1024 * 1024);
    expect((await uploadChart(fx.project.id, "stable", { chart: tgz }, auth)).status).toBe(201);
    const entry = (await readIndex("stable")).entries.big![0]!;
    expect(entry.digest).toBe(await sha256Hex(tgz));
    const download = await call(`${helmBase(fx.project.id)}/stable/charts/big-1.0.0.tgz`, { headers: auth });
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(tgz);
  });

  it("refuses a chart with a file over helm's 5 MiB limit before the rest of it is stored", async () => {
    const tgz = await gzip(tar([{ name: "huge/Chart.yaml", data: chartYaml("huge", "1.0.0") }, { name: "huge/x.bin", data: new Uint8Array(6 * 1024 * 1024) }]));
    const res = await uploadChart(fx.project.id, "stable", { chart: tgz }, auth);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/larger than the maximum file size/);
    expect((await packageFiles("huge")).pkg).toBeNull();
  });
});

describe("provenance", () => {
  it("stores a prov sent with its chart and serves it beside the chart; a newer upload without one has none", async () => {
    const yaml = chartYaml("signed", "1.0.0");
    const tgz = await chartTgz(yaml);
    const prov = provenanceFor(yaml, "signed-1.0.0.tgz", await sha256Hex(tgz));
    expect((await uploadChart(fx.project.id, "stable", { chart: tgz, prov }, auth)).status).toBe(201);
    const res = await call(`${helmBase(fx.project.id)}/stable/charts/signed-1.0.0.tgz.prov`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(await res.text()).toBe(prov);
    expect((await packageFiles("signed")).files.map((f) => f.file_name).sort()).toEqual(["signed-1.0.0.tgz", "signed-1.0.0.tgz.prov"]);

    // The prov may come first in the form.
    const tgz2 = await chartTgz(chartYaml("signed", "1.1.0"));
    const { multipart } = await import("./charts");
    const form = multipart([
      { name: "prov", filename: "x.prov", data: provenanceFor(yaml, "signed-1.1.0.tgz", await sha256Hex(tgz2)) },
      { name: "chart", filename: "x.tgz", data: tgz2 },
    ]);
    const reversed = await call(`${helmBase(fx.project.id)}/api/stable/charts`, { method: "POST", body: form.body, headers: { "content-type": form.contentType, ...auth } });
    expect(reversed.status).toBe(201);
    expect((await call(`${helmBase(fx.project.id)}/stable/charts/signed-1.1.0.tgz.prov`, { headers: auth })).status).toBe(200);

    const unsigned = await chartTgz(chartYaml("signed", "1.0.0", "icon: https://example.com/i.png\n"));
    expect((await uploadChart(fx.project.id, "stable", { chart: unsigned }, auth)).status).toBe(201);
    expect((await call(`${helmBase(fx.project.id)}/stable/charts/signed-1.0.0.tgz.prov`, { headers: auth })).status).toBe(404);
  });

  it("refuses a prov that is not for this chart, and keeps nothing", async () => {
    const tgz = await chartTgz(chartYaml("mismatch", "1.0.0"));
    const res = await uploadChart(fx.project.id, "stable", { chart: tgz, prov: provenanceFor("x", "mismatch-1.0.0.tgz", "0".repeat(64)) }, auth);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/provenance file does not list the chart's sha256 digest/);
    expect((await packageFiles("mismatch")).pkg).toBeNull();
  });
});

describe("refused uploads", () => {
  it.each([
    ["a file that is not gzip", async () => new TextEncoder().encode("not a chart"), /invalid chart: the chart is not a gzip-compressed tar archive/],
    ["an archive without Chart.yaml", async () => gzip(tar([{ name: "x/values.yaml", data: "a: 1" }])), /invalid chart: Chart.yaml file is missing/],
    ["a version that is not SemVer", async () => chartTgz(chartYaml("bad", "1.0")), /invalid chart: chart.metadata.version "1.0" is invalid/],
    ["a Chart.yaml that is not YAML", async () => chartTgz('name: "bad\nversion: 1.0.0\n', { top: "bad" }), /invalid chart: Chart.yaml: line 1/],
    ["a chart with paths outside its directory", async () => gzip(tar([{ name: "bad/Chart.yaml", data: chartYaml("bad", "1.0.0") }, { name: "bad/../../x", data: "x" }])), /illegally references parent directory/],
  ])("answers 400 to %s and stores nothing", async (_, build, message) => {
    const res = await uploadChart(fx.project.id, "stable", { chart: await build() }, auth);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(message);
    expect((await packageFiles("bad")).pkg).toBeNull();
  });

  it("answers 400 without a chart field, and to a channel GitLab would not take", async () => {
    const res = await uploadChart(fx.project.id, "stable", { prov: "x" }, auth);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: "400 Bad request - chart is missing" });
    const channel = await uploadChart(fx.project.id, "bad..channel", { chart: await chartTgz(chartYaml("x", "1.0.0")) }, auth);
    expect(channel.status).toBe(400);
    expect(await channel.json()).toEqual({ error: "channel is invalid" });
    expect((await getIndex(fx.project.id, "-x", auth)).status).toBe(400);
  });

  it("answers 404 to chart file names that cannot name a chart", async () => {
    for (const file of ["index.yaml", "x.tgz", "hello-0.1.0.zip", "hello-0.1.0.tgz.asc"]) {
      expect((await call(`${helmBase(fx.project.id)}/stable/charts/${file}`, { headers: auth })).status, file).toBe(404);
    }
  });
});

describe("access", () => {
  it("challenges anonymous readers of a private project with Basic, refuses a Reporter's upload and serves a Reporter's reads", async () => {
    const anonymous = await getIndex(fx.project.id, "stable");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic /);
    const upload = await uploadChart(fx.project.id, "stable", { chart: await chartTgz(chartYaml("nope", "1.0.0")) }, basicAuth(fx.reporter));
    expect(upload.status).toBe(403);
    expect((await getIndex(fx.project.id, "stable", basicAuth(fx.reporter))).status).toBe(200);
    const anonymousUpload = await uploadChart(fx.project.id, "stable", { chart: await chartTgz(chartYaml("nope", "1.0.0")) });
    expect(anonymousUpload.status).toBe(401);
    expect((await packageFiles("nope")).pkg).toBeNull();
  });

  it("serves a public project's index to anonymous helm from the edge cache, and shows a new version at once", async () => {
    const pub = await seedProject("public");
    const dev = basicAuth(pub.developer);
    await uploadChart(pub.project.id, "stable", { chart: await chartTgz(chartYaml("cached", "1.0.0")) }, dev);
    const first = await getIndex(pub.project.id, "stable");
    expect(first.headers.get("x-packyard-cache")).toBe("MISS");
    await first.text();
    await new Promise((r) => setTimeout(r, 50));
    const second = await getIndex(pub.project.id, "stable");
    expect(second.headers.get("x-packyard-cache")).toBe("HIT");
    await second.text();
    await uploadChart(pub.project.id, "stable", { chart: await chartTgz(chartYaml("cached", "1.1.0")) }, dev);
    const third = await getIndex(pub.project.id, "stable");
    expect(third.headers.get("x-packyard-cache")).toBe("MISS");
    expect((parseYaml(await third.text()) as unknown as IndexDoc).entries.cached!.map((e) => e.version)).toEqual(["1.1.0", "1.0.0"]);
  });
});
