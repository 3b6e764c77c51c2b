// The Helm format's pure parts: the YAML reader and emitter, Chart.yaml rules, SemVer order, file names,
// provenance files, the streaming archive reader, and the index document against helm's own output.
import { describe, expect, it } from "vitest";
import { ChartError, ChartInspector } from "../../../src/formats/helm/archive";
import { parseChart } from "../../../src/formats/helm/chart";
import { buildIndex } from "../../../src/formats/helm/metadata";
import { chartCandidates, isValidChannel } from "../../../src/formats/helm/names";
import { provenanceProblem } from "../../../src/formats/helm/provenance";
import { compareVersions, isSemver } from "../../../src/formats/helm/semver";
import { compareKeys, emitYaml } from "../../../src/formats/helm/yaml-emit";
import { parseYaml } from "../../../src/formats/helm/yaml-parse";
import { chartYaml, gzip, provenanceFor, tar } from "./charts";
import { FIXTURE_CHARTS, FIXTURE_GENERATED, HELM_REPO_INDEX, SERVER_INFO } from "./fixtures";

describe("the YAML reader", () => {
  it("reads block mappings, sequences at their key's indentation, compact items, flow collections and comments", () => {
    const doc = parseYaml(`---
# comment
a: 1   # trailing comment
b:
- x
- y: 2
  z: [3, "four", {five: 5}]
c:
  d: 'it''s'
  e: "tab\\there \\u00e9"
  f: ~
g:
  - - nested
    - list
h: plain text
  over two lines
"quoted key": value
url: https://example.com/a#b
`);
    expect(doc).toEqual({
      a: "1",
      b: ["x", { y: "2", z: ["3", "four", { five: "5" }] }],
      c: { d: "it's", e: "tab\there é", f: null },
      g: [["nested", "list"]],
      h: "plain text over two lines",
      "quoted key": "value",
      url: "https://example.com/a#b",
    });
  });

  it("reads literal and folded block scalars with chomping and indentation indicators", () => {
    const doc = parseYaml("lit: |\n  one\n    two\n\n  three\n\nfold: >\n  a\n  b\n\n  c\nstrip: |-\n  x\n\nkeep: |+\n  y\n\nindented: |2\n    z\nlast: end\n");
    expect(doc).toEqual({ lit: "one\n  two\n\nthree\n", fold: "a b\nc\n", strip: "x", keep: "y\n\n", indented: "  z\n", last: "end" });
  });

  it("reads quoted scalars and flow sequences over several lines", () => {
    expect(parseYaml('a: "one\n  two"\nb: [x,\n  y]\nc: \'p\n\n  q\'\n')).toEqual({ a: "one two", b: ["x", "y"], c: "p\nq" });
  });

  it("refuses what it does not read, with the line", () => {
    expect(() => parseYaml("a: &x 1\nb: *x\n")).toThrow(/line 1: anchors, aliases and tags/);
    expect(() => parseYaml("a: 1\n  b: 2\n")).toThrow(/mapping values are not allowed|indentation/);
    expect(() => parseYaml("a:\n\t- b\n")).toThrow(/tabs/);
    expect(() => parseYaml('a: "open\n')).toThrow(/unterminated/);
    expect(() => parseYaml("a: b: c\n")).toThrow(/mapping values are not allowed/);
  });
});

describe("the YAML emitter (go-yaml v2's output)", () => {
  it("quotes what would read back as another type, folds long text and writes multi-line text as a literal block", () => {
    const text = emitYaml({
      s: ["1.0", "1.16.0", "true", "yes", "null", "", "0x1F", "2026-01-02", "12e3", "v1.2.3", ":x", "a: b", "- a", "#a", "a #b", " a", "a ", "tab\there"],
      long: "word ".repeat(30).trim(),
      multi: "line one\nline two\n",
      n: 3,
      t: true,
      z: null,
    });
    expect(text).toBe(
      [
        "long: word word word word word word word word word word word word word word word word",
        "  word word word word word word word word word word word word word word",
        "multi: |",
        "  line one",
        "  line two",
        '"n": 3', // a key that would read back as a boolean is quoted too
        "s:",
        '- "1.0"',
        "- 1.16.0",
        '- "true"',
        '- "yes"',
        '- "null"',
        '- ""',
        '- "0x1F"',
        '- "2026-01-02"',
        '- "12e3"',
        "- v1.2.3",
        "- :x",
        "- 'a: b'",
        "- '- a'",
        "- '#a'",
        "- 'a #b'",
        "- ' a'",
        "- 'a '",
        '- "tab\\there"',
        "t: true",
        "z: null",
        "",
      ].join("\n"),
    );
    expect(parseYaml(text)).toMatchObject({ multi: "line one\nline two\n", long: "word ".repeat(30).trim() });
  });

  it("orders keys as go-yaml does: non-letters before letters, digit runs by value", () => {
    expect(["b", "a10", "a2", "A", "_x", "a-b", "ab"].sort(compareKeys)).toEqual(["_x", "A", "a-b", "a2", "a10", "ab", "b"]);
  });
});

describe("Chart.yaml", () => {
  it("keeps helm's fields, sanitised, and leaves out empty ones", () => {
    const chart = parseChart(chartYaml("demo", "1.2.3", 'keywords: ["a\\tb"]\ndeprecated: yes\nannotations: {}\n'));
    expect(chart).toEqual({
      name: "demo",
      version: "1.2.3",
      entry: { name: "demo", version: "1.2.3", description: "A Helm chart for Kubernetes", keywords: ["a b"], apiVersion: "v2", appVersion: "1.16.0", deprecated: true, type: "application" },
    });
  });

  it.each([
    ["", /name is required/],
    ["name: demo\n", /version is required/],
    ["name: demo\nversion: 1.0\n", /version "1.0" is invalid/],
    ["name: demo\nversion: latest\n", /version "latest" is invalid/],
    ["name: de mo\nversion: 1.0.0\n", /name "de mo" is invalid/],
    ["name: ../x\nversion: 1.0.0\n", /name "..\/x" is invalid/],
    ["apiVersion: v3\nname: demo\nversion: 1.0.0\n", /apiVersion "v3" is not supported/],
    ["name: demo\nversion: 1.0.0\ntype: plugin\n", /type must be application or library/],
    ["name: demo\nversion: 1.0.0\nkeywords: one\n", /keywords must be a list of strings/],
    ["name: demo\nversion: 1.0.0\nmaintainers:\n  -\n", /maintainers must not contain empty or null nodes/],
    ["name: demo\nversion: 1.0.0\ndependencies:\n- name: a\n- name: a\n", /more than one dependency with name or alias "a"/],
    ["name: demo\nversion: 1.0.0\ndependencies:\n- name: a\n  alias: b c\n", /disallowed characters in the alias/],
    ["name: demo\nversion: 1.0.0\ndeprecated: maybe\n", /deprecated must be true or false/],
    ["- a\n- b\n", /must be a mapping/],
    ["name: [demo\n", /Chart.yaml: line 1/],
  ])("refuses %j", (yaml, message) => {
    expect(() => parseChart(yaml)).toThrow(message);
  });

  it("accepts GitLab's versions: SemVer 2 with an optional v", () => {
    for (const v of ["0.1.0", "v1.0.0", "1.0.0-rc.1", "1.0.0+build.7", "1.0.0-alpha.beta+exp.sha.5114f85"]) expect(isSemver(v), v).toBe(true);
    for (const v of ["1.0", "01.0.0", "1.0.0-", "1.0.0-01", "V1.0.0", "1.0.0 "]) expect(isSemver(v), v).toBe(false);
  });
});

describe("names and order", () => {
  it("orders versions by SemVer precedence", () => {
    const versions = ["1.0.0", "1.0.0-rc.1", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.11", "1.0.0-beta.2", "0.9.9", "v1.0.1", "1.10.0", "1.9.0"];
    expect(versions.sort(compareVersions)).toEqual(["0.9.9", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "v1.0.1", "1.9.0", "1.10.0"]);
  });

  it("finds every name and version a chart file name can stand for", () => {
    expect(chartCandidates("my-chart-1.0.0-rc.1.tgz")).toEqual([{ name: "my-chart", version: "1.0.0-rc.1" }]);
    expect(chartCandidates("a-1.2.3-4.5.6.tgz")).toEqual([
      { name: "a", version: "1.2.3-4.5.6" },
      { name: "a-1.2.3", version: "4.5.6" },
    ]);
    expect(chartCandidates("nochart.tgz")).toEqual([]);
    expect(chartCandidates("x-1.0.0.zip")).toEqual([]);
  });

  it("takes GitLab's channels", () => {
    for (const c of ["stable", "devel", "v1.x", "a_b-c.d"]) expect(isValidChannel(c), c).toBe(true);
    for (const c of ["", "-a", "a-", "a..b", "a b", "a/b"]) expect(isValidChannel(c), c).toBe(false);
  });
});

describe("provenance files", () => {
  it("must be a signed message that lists the chart's digest", () => {
    const sha = "a".repeat(64);
    expect(provenanceProblem(provenanceFor("name: x\nversion: 1.0.0", "x-1.0.0.tgz", sha), sha)).toBeNull();
    expect(provenanceProblem(provenanceFor("name: x\nversion: 1.0.0", "x-1.0.0.tgz", "b".repeat(64)), sha)).toMatch(/does not list the chart's sha256/);
    expect(provenanceProblem("hello", sha)).toMatch(/not a PGP signed message/);
  });
});

describe("the archive reader", () => {
  async function inspect(bytes: Uint8Array) {
    const inspector = new ChartInspector();
    const out = await new Response(new Blob([bytes]).stream().pipeThrough(inspector.tap())).arrayBuffer().catch((e: unknown) => e);
    return { passed: out instanceof ArrayBuffer ? new Uint8Array(out) : null, result: await inspector.result.catch((e: unknown) => e) };
  }

  it("passes the bytes through and finds Chart.yaml and requirements.yaml (ustar prefix, pax and GNU long names)", async () => {
    const deep = `chart/${"d".repeat(90)}/${"e".repeat(60)}/values.yaml`;
    const pax = "30 path=chart/requirements.yaml\n";
    const archive = await gzip(
      tar([
        { name: "chart/", type: "5" },
        { name: deep, data: "x: 1\n" },
        { name: "././@PaxHeader", type: "x", data: pax },
        { name: "chart/ignored-name", data: "dependencies: []\n" },
        { name: "././@LongLink", type: "L", data: "chart/Chart.yaml\0" },
        { name: "chart/short", data: "\uFEFFname: chart\nversion: 1.0.0\n" },
      ]),
    );
    const { passed, result } = await inspect(archive);
    expect(passed).toEqual(archive);
    expect(result).toEqual({ chartYaml: "name: chart\nversion: 1.0.0\n", requirementsYaml: "dependencies: []\n" });
  });

  it.each([
    ["not gzip", async () => new TextEncoder().encode("just text, not a chart"), /not a gzip-compressed tar archive/],
    ["gzip but not tar", async () => gzip(new TextEncoder().encode("x".repeat(2000))), /not a valid tar archive/],
    ["no Chart.yaml", async () => gzip(tar([{ name: "chart/values.yaml", data: "a: 1" }])), /Chart.yaml file is missing/],
    ["no files", async () => gzip(tar([{ name: "chart/", type: "5" }])), /no files in chart archive/],
    ["Chart.yaml at the top", async () => gzip(tar([{ name: "Chart.yaml", data: "name: x" }])), /outside the base directory/],
    ["a parent path", async () => gzip(tar([{ name: "chart/../../etc/passwd", data: "x" }])), /references parent directory/],
    ["an absolute path", async () => gzip(tar([{ name: "chart//etc/passwd", data: "x" }])), /absolute paths/],
    ["truncated", async () => (await gzip(tar([{ name: "chart/Chart.yaml", data: "name: x\n".repeat(200) }]))).subarray(0, 60), /gzip|truncated/],
  ])("refuses %s", async (_, build, message) => {
    const { passed, result } = await inspect(await build());
    expect(passed).toBeNull();
    expect(result).toBeInstanceOf(ChartError);
    expect((result as Error).message).toMatch(message);
  });
});

describe("index.yaml", () => {
  it("is what `helm repo index --url charts` writes for the same charts, plus GitLab's serverInfo", () => {
    const charts = FIXTURE_CHARTS.map((c) => {
      const chart = parseChart(c.yaml, c.requirements ?? null);
      return { ...chart, fileName: c.fileName, sha256: c.sha256, createdAt: new Date(c.created) };
    });
    const contextPath = "/api/v4/projects/42/packages/helm";
    const body = buildIndex(charts, { generated: new Date(FIXTURE_GENERATED), contextPath });
    expect(body).toBe(HELM_REPO_INDEX + SERVER_INFO(contextPath));
    // Read back, it is the same data: the index helm loads.
    const doc = parseYaml(body) as { entries: Record<string, { version: string; urls: string[] }[]> };
    expect(doc.entries.hello!.map((e) => e.version)).toEqual(["0.2.0", "0.1.0"]);
    expect(doc.entries.legacy![0]!.urls).toEqual(["charts/legacy-v1.0.0-rc.1.tgz"]);
  });

  it("has empty entries for a channel without charts", () => {
    expect(buildIndex([], { generated: new Date("2026-01-01T00:00:00Z"), contextPath: "/p" })).toBe(
      'apiVersion: v1\nentries: {}\ngenerated: "2026-01-01T00:00:00Z"\nserverInfo:\n  contextPath: /p\n',
    );
  });
});
