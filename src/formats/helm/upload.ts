// Chart upload: `POST /projects/:id/packages/helm/api/:channel/charts`, multipart `chart` and optional `prov`.
// The chart streams into R2 while it is gunzipped and its tar read (archive.ts), so Chart.yaml is known, and
// an invalid chart refused with a 400, without the archive ever being held in memory. The version is the
// chart's; files are `<name>-<version>.tgz` (+ `.prov`) tagged with the channel. Duplicates are allowed and
// the newest upload of a version in a channel is the one served (GitLab). Spec: gitlab-spec.md §6.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { StoredBlob } from "../../core/blobs";
import { badRequest } from "../../core/errors";
import type { NewFile } from "../../core/publish/types";
import { projectOf } from "../../http/access";
import { boundaryOf, MultipartReader, type MultipartPart } from "../../http/multipart";
import { declaredLength, maxUploadBytes } from "../../http/request-body";
import { ChartError, ChartInspector } from "./archive";
import { parseChart, type Chart } from "./chart";
import { chartFileName, HELM, provenanceFileName } from "./names";
import { provenanceProblem } from "./provenance";

/** A provenance file is a few kilobytes of armored text; it is checked against the chart, so a copy is kept while it streams. */
const MAX_PROVENANCE_BYTES = 256 * 1024;

interface StoredChart {
  blob: StoredBlob;
  chart: Chart;
}

interface StoredProvenance {
  blob: StoredBlob;
  text: string;
}

export async function uploadChart(c: Context<AppEnv>): Promise<Response> {
  const registry = c.var.registry;
  const channel = c.req.param("channel")!;
  const boundary = boundaryOf(c.req.header("content-type"));
  declaredLength(c); // a Content-Length over the limit is refused before any byte is read
  if (!c.req.raw.body) throw badRequest("400 Bad request - chart is missing");
  const stored: StoredBlob[] = [];
  try {
    let chart: StoredChart | null = null;
    let provenance: StoredProvenance | null = null;
    const reader = new MultipartReader(c.req.raw.body, boundary);
    for (let part = await reader.next(); part; part = await reader.next()) {
      if (part.name === "chart") {
        if (chart) throw badRequest("400 Bad request - more than one chart");
        chart = await storeChart(c, part, stored);
      } else if (part.name === "prov") {
        if (provenance) throw badRequest("400 Bad request - more than one prov");
        provenance = await storeProvenance(c, part, stored);
      }
      // Other fields are skipped by the reader without being kept.
    }
    if (!chart) throw badRequest("400 Bad request - chart is missing");
    if (provenance) {
      const problem = provenanceProblem(provenance.text, chart.blob.sha256);
      if (problem) throw badRequest(`400 Bad request - ${problem}`);
    }
    const { name, version, entry } = chart.chart;
    const files: NewFile[] = [{ blob: chart.blob, fileName: chartFileName(name, version), metadata: { kind: "chart", channel, chart: entry } }];
    if (provenance) {
      files.push({ blob: provenance.blob, fileName: provenanceFileName(name, version), metadata: { kind: "provenance", channel, chart_sha256: chart.blob.sha256 } });
    }
    stored.length = 0; // from here the commit owns the blobs (a refused commit discards them)
    await registry.commit({ projectId: projectOf(c).project.id, packageType: HELM, name, normalizedName: name }, [
      { kind: "publish", version, files, duplicates: { kind: "allow" }, metadata: entry },
    ]);
  } catch (error) {
    for (const blob of stored) await registry.discardBlob(blob);
    throw error;
  }
  return c.json({ message: "201 Created" }, 201);
}

/** Streams the chart into the blob store while its tar is read; a chart helm would refuse is a 400. */
async function storeChart(c: Context<AppEnv>, part: MultipartPart, stored: StoredBlob[]): Promise<StoredChart> {
  const inspector = new ChartInspector();
  let blob: StoredBlob;
  try {
    // index.yaml's `digest` is the sha256; GitLab keeps no other digest of Helm files.
    blob = await c.var.registry.putBlob(part.body.pipeThrough(inspector.tap()), {
      contentLength: null,
      maxBytes: maxUploadBytes(c),
      contentType: "application/octet-stream",
      digests: [],
    });
  } catch (error) {
    if (inspector.failure) throw invalidChart(inspector.failure);
    throw error;
  }
  stored.push(blob);
  try {
    const files = await inspector.result;
    return { blob, chart: parseChart(files.chartYaml, files.requirementsYaml) };
  } catch (error) {
    if (error instanceof ChartError) throw invalidChart(error);
    throw error;
  }
}

const invalidChart = (error: ChartError) => badRequest(`400 Bad request - invalid chart: ${error.message}`);

/** Streams the provenance file into the blob store, keeping a copy (at most MAX_PROVENANCE_BYTES) to check it. */
async function storeProvenance(c: Context<AppEnv>, part: MultipartPart, stored: StoredBlob[]): Promise<StoredProvenance> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const copy = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > MAX_PROVENANCE_BYTES) throw badRequest(`400 Bad request - the provenance file is larger than ${MAX_PROVENANCE_BYTES} bytes`);
      chunks.push(chunk);
      controller.enqueue(chunk);
    },
  });
  const blob = await c.var.registry.putBlob(part.body.pipeThrough(copy), { contentLength: null, maxBytes: MAX_PROVENANCE_BYTES, contentType: "application/octet-stream", digests: [] });
  stored.push(blob);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { blob, text: new TextDecoder().decode(bytes) };
}
