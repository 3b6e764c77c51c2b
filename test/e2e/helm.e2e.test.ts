// Helm end to end against `wrangler dev`. helm itself does not install here (not in Debian 12, not on
// npm), so this drives what it sends with curl: a chart directory packed with `tar czf` as `helm package`
// lays it out, uploaded as `helm cm-push` posts it (multipart `chart`, optional `prov`, Basic auth), then
// what `helm repo add` / `helm install` fetch: index.yaml (read with PyYAML, an independent YAML parser)
// and the chart URL it lists, whose sha256 must be the index's digest.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";

const PYTHON = "/usr/bin/python3";
const MiB = 1024 * 1024;

let registry: Registry;
let work: string;
let user: { username: string; token: string };
let projectId: number;

interface CurlResult {
  status: number;
  body: string;
}

/** curl with the status code on the last line. */
function curl(args: string[]): CurlResult {
  const out = execFileSync("curl", ["-sS", "-w", "\n%{http_code}", ...args], { maxBuffer: 16 * MiB }).toString("utf8");
  const lines = out.split("\n");
  const status = Number(lines.pop());
  return { status, body: lines.join("\n") };
}

const credentials = () => ["--user", `${user.username}:${user.token}`];
const repo = (channel: string) => `${registry.url}/api/v4/projects/${projectId}/packages/helm/${channel}`;
const uploadUrl = (channel: string) => `${registry.url}/api/v4/projects/${projectId}/packages/helm/api/${channel}/charts`;
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** index.yaml as PyYAML reads it, as JSON. */
function parseIndex(yaml: string): { apiVersion: string; entries: Record<string, Record<string, unknown>[]>; serverInfo: { contextPath: string } } {
  const program = "import sys, json, yaml\nprint(json.dumps(yaml.safe_load(sys.stdin.read()), default=str))";
  return JSON.parse(execFileSync(PYTHON, ["-c", program], { input: yaml }).toString("utf8"));
}

/** `helm create`-like chart directory, packed as `helm package` does: `<name>-<version>.tgz` holding `<name>/…`. */
function packChart(name: string, version: string, chartYamlExtra = ""): string {
  const dir = path.join(work, `${name}-${version}-src`, name);
  mkdirSync(path.join(dir, "templates"), { recursive: true });
  writeFileSync(
    path.join(dir, "Chart.yaml"),
    `apiVersion: v2\nname: ${name}\ndescription: A Helm chart for Kubernetes, uploaded by the end-to-end test with curl as helm cm-push would.\ntype: application\nversion: ${version}\nappVersion: "1.16.0"\n${chartYamlExtra}`,
  );
  writeFileSync(path.join(dir, "values.yaml"), "replicaCount: 1\nimage:\n  repository: nginx\n");
  writeFileSync(path.join(dir, "templates", "configmap.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n");
  const tgz = path.join(work, `${name}-${version}.tgz`);
  execFileSync("tar", ["-czf", tgz, "-C", path.dirname(dir), name]);
  return tgz;
}

beforeAll(async () => {
  registry = await startRegistry();
  const seeder = new Seeder(registry);
  work = mkdtempSync(path.join(tmpdir(), "packyard-helm-"));
  user = await seeder.user("helmer");
  const group = await seeder.group("charts", "private");
  const project = await seeder.project(group.id, "repo", "private");
  projectId = project.id;
  await seeder.member("projects", project.id, (user as unknown as { id: number }).id, 30);
});

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("helm charts with curl", () => {
  it("publishes a chart packed with tar, lists it in index.yaml and downloads the URL listed there with the listed digest", () => {
    const tgz = packChart("hello-chart", "0.1.0", "keywords:\n  - hello\nmaintainers:\n  - name: Alice\n    email: alice@example.com\n");
    const up = curl([...credentials(), "--form", `chart=@${tgz}`, uploadUrl("stable")]);
    expect(up.status, up.body).toBe(201);
    expect(JSON.parse(up.body)).toEqual({ message: "201 Created" });

    // helm repo add sends no credentials until challenged.
    const anonymous = execFileSync("curl", ["-sS", "-i", `${repo("stable")}/index.yaml`]).toString();
    expect(anonymous).toMatch(/^HTTP\/1.1 401/);
    expect(anonymous).toMatch(/www-authenticate: Basic realm=/i);

    const index = curl([...credentials(), `${repo("stable")}/index.yaml`]);
    expect(index.status).toBe(200);
    const doc = parseIndex(index.body);
    expect(doc.apiVersion).toBe("v1");
    expect(doc.serverInfo.contextPath).toBe(`/api/v4/projects/${projectId}/packages/helm`);
    const [entry] = doc.entries["hello-chart"]!;
    expect(entry).toMatchObject({
      name: "hello-chart",
      version: "0.1.0",
      apiVersion: "v2",
      appVersion: "1.16.0",
      type: "application",
      keywords: ["hello"],
      maintainers: [{ name: "Alice", email: "alice@example.com" }],
      description: "A Helm chart for Kubernetes, uploaded by the end-to-end test with curl as helm cm-push would.",
      digest: sha256(tgz),
      urls: ["charts/hello-chart-0.1.0.tgz"],
    });

    // helm resolves the relative URL against the repository URL.
    const out = path.join(work, "downloaded.tgz");
    const url = new URL(String((entry!.urls as string[])[0]), `${repo("stable")}/`).toString();
    expect(curl([...credentials(), "-o", out, url]).status).toBe(200);
    expect(sha256(out)).toBe(entry!.digest);
    expect(execFileSync("tar", ["-tzf", out]).toString()).toContain("hello-chart/Chart.yaml");
  });

  it("uploads a provenance file with its chart (curl --form prov=@…) and serves it beside the chart", () => {
    const tgz = packChart("signed-chart", "1.0.0");
    const prov = path.join(work, "signed-chart-1.0.0.tgz.prov");
    writeFileSync(
      prov,
      `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n${readFileSync(path.join(work, "signed-chart-1.0.0-src/signed-chart/Chart.yaml"), "utf8")}\n...\nfiles:\n  signed-chart-1.0.0.tgz: sha256:${sha256(tgz)}\n-----BEGIN PGP SIGNATURE-----\n\nwsBcBAEBCgAQBQJk\n=abcd\n-----END PGP SIGNATURE-----\n`,
    );
    expect(curl([...credentials(), "--form", `chart=@${tgz}`, "--form", `prov=@${prov}`, uploadUrl("stable")]).status).toBe(201);
    const out = path.join(work, "downloaded.prov");
    expect(curl([...credentials(), "-o", out, `${repo("stable")}/charts/signed-chart-1.0.0.tgz.prov`]).status).toBe(200);
    expect(readFileSync(out, "utf8")).toBe(readFileSync(prov, "utf8"));
  });

  it("keeps channels apart and answers 400 with a reason to a chart helm would refuse", () => {
    const tgz = packChart("dev-chart", "2.0.0-rc.1");
    expect(curl([...credentials(), "--form", `chart=@${tgz}`, uploadUrl("devel")]).status).toBe(201);
    expect(parseIndex(curl([...credentials(), `${repo("devel")}/index.yaml`]).body).entries).toHaveProperty("dev-chart");
    expect(parseIndex(curl([...credentials(), `${repo("stable")}/index.yaml`]).body).entries).not.toHaveProperty("dev-chart");

    const bad = packChart("bad-chart", "1.0");
    const refused = curl([...credentials(), "--form", `chart=@${bad}`, uploadUrl("stable")]);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).message).toMatch(/chart.metadata.version "1.0" is invalid/);
    const notAChart = path.join(work, "values.yaml");
    writeFileSync(notAChart, "a: 1\n");
    expect(curl([...credentials(), "--form", `chart=@${notAChart}`, uploadUrl("stable")]).status).toBe(400);
  });
});
