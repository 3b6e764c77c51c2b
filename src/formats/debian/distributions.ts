// The distributions API: `POST|GET /projects/:id/debian_distributions`, `GET|PUT|DELETE …/:codename`,
// `GET …/:codename/key.asc` (GitLab's debian_project_distributions.md). Fields arrive in the query string (as
// GitLab's docs show them), as JSON or as a form (curl -d, python-gitlab); `components[]`/`architectures[]`
// or space-separated strings.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import type { ProjectContext } from "../../core/registry";
import { paginateList } from "../../api/pagination";
import { readLimitedText } from "../../http/request-body";
import { validArchitecture, validCodename, validComponent } from "./control";
import { generateSigningKey, signingSecret } from "./signing";
import { DEBIAN, DISTRIBUTIONS, type Distribution, type DistributionFields, type DistributionMetadata } from "./distribution";

const BODY_LIMIT = 64 * 1024;

/** The query string's fields, then the body's over them (Grape reads both). */
async function readFields(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const fromQuery = formFields(new URL(c.req.url).searchParams);
  return { ...fromQuery, ...(await readBody(c)) };
}

function formFields(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key.endsWith("[]")) {
      const k = key.slice(0, -2);
      out[k] = [...((out[k] as string[] | undefined) ?? []), value];
    } else out[key] = value;
  }
  return out;
}

async function readBody(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const type = c.req.header("content-type") ?? "";
  const text = await readLimitedText(c, BODY_LIMIT);
  if (text.trim() === "") return {};
  if (type.includes("json")) {
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      /* fall through */
    }
    throw new AppError("bad_request", "400 Bad request - malformed JSON");
  }
  return formFields(new URLSearchParams(text));
}

function list(value: unknown, valid: (s: string) => boolean, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value.map(String) : String(value).split(/[\s,]+/);
  const cleaned = [...new Set(items.map((s) => s.trim()).filter((s) => s !== ""))];
  if (cleaned.length > 64 || !cleaned.every(valid)) throw new AppError("bad_request", `400 Bad request - ${name} is invalid`);
  return cleaned;
}

function text(value: unknown, name: string, max = 255): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === "") return null;
  const s = String(value);
  if (s.length > max || /[\r\n]/.test(s)) throw new AppError("bad_request", `400 Bad request - ${name} is invalid`);
  return s;
}

function fieldsOf(body: Record<string, unknown>): Partial<DistributionFields> {
  const out: Partial<DistributionFields> = {};
  const set = <K extends keyof DistributionFields>(k: K, v: DistributionFields[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set("suite", text(body.suite, "suite", 64));
  set("origin", text(body.origin, "origin"));
  set("label", text(body.label, "label"));
  set("version", text(body.version, "version"));
  set("description", text(body.description, "description"));
  if (body.valid_time_duration_seconds !== undefined && body.valid_time_duration_seconds !== null && body.valid_time_duration_seconds !== "") {
    const n = Number(body.valid_time_duration_seconds);
    if (!Number.isInteger(n) || n < 86400) throw new AppError("bad_request", "400 Bad request - valid_time_duration_seconds must be at least 86400");
    out.valid_time_duration_seconds = n;
  }
  set("components", list(body.components, validComponent, "components"));
  set("architectures", list(body.architectures, validArchitecture, "architectures"));
  return out;
}

export function distributionJson(d: Distribution): Record<string, unknown> {
  const f = d.distribution;
  return {
    id: d.id,
    codename: f.codename,
    suite: f.suite,
    origin: f.origin,
    label: f.label,
    version: f.version,
    description: f.description,
    valid_time_duration_seconds: f.valid_time_duration_seconds,
    components: f.components.length ? f.components : ["main"],
    architectures: [...new Set(["all", ...f.architectures])],
  };
}

/** Where distributions live: a project's `distributions` package (the group's store is in group-distributions.ts). */
export interface DistributionStore {
  list(): Promise<Distribution[]>;
  get(codename: string): Promise<Distribution | null>;
  /** Refuses a codename already taken with the 400 GitLab answers. */
  create(metadata: DistributionMetadata): Promise<void>;
  update(codename: string, fields: Partial<DistributionFields>): Promise<void>;
  remove(codename: string): Promise<void>;
}

export function projectStore(c: Context<AppEnv>, ctx: ProjectContext): DistributionStore {
  const registry = c.var.registry;
  const target = { projectId: ctx.project.id, packageType: DEBIAN, name: DISTRIBUTIONS, normalizedName: DISTRIBUTIONS };
  const rows = async (codename?: string) =>
    (await registry.versions([ctx], DEBIAN, DISTRIBUTIONS, { statuses: ["hidden"], version: codename })).map((r) => ({
      id: r.id,
      projectId: r.projectId,
      ...(r.metadata as unknown as DistributionMetadata),
    }));
  return {
    list: () => rows(),
    get: async (codename) => (validCodename(codename) ? ((await rows(codename))[0] ?? null) : null),
    async create(metadata) {
      try {
        await registry.commit(target, [
          { kind: "publish", version: metadata.distribution.codename, files: [], duplicates: { kind: "reject_version" }, status: "hidden", metadata: metadata as unknown as Record<string, unknown> },
        ]);
      } catch (error) {
        if (error instanceof AppError && error.code === "package_exists") throw new AppError("bad_request", "400 Bad request - Codename has already been taken");
        throw error;
      }
    },
    async update(codename, fields) {
      await registry.commit(target, [{ kind: "plan", planner: "debian.update", input: { codename, fields } }]);
    },
    async remove(codename) {
      await registry.commit(target, [{ kind: "remove_version", version: codename }]);
    },
  };
}

export async function findDistribution(store: DistributionStore, codename: string): Promise<Distribution> {
  const found = await store.get(codename);
  if (!found) throw new AppError("not_found", "404 Distribution Not Found");
  return found;
}

/** `GET …/debian_distributions?codename=&suite=`, paginated as GitLab. */
export async function listDistributions(c: Context<AppEnv>, store: DistributionStore): Promise<Response> {
  const codename = c.req.query("codename");
  const suite = c.req.query("suite");
  const all = (await store.list())
    .filter((d) => (codename === undefined || d.distribution.codename === codename) && (suite === undefined || d.distribution.suite === suite))
    .sort((a, b) => a.id - b.id);
  return c.json(paginateList(c, all).map(distributionJson));
}

export async function createDistribution(c: Context<AppEnv>, store: DistributionStore): Promise<Response> {
  const body = await readFields(c);
  const codename = String(body.codename ?? "");
  if (!validCodename(codename)) throw new AppError("bad_request", "400 Bad request - codename is missing or invalid");
  const fields = fieldsOf(body);
  const distribution: DistributionFields = {
    codename,
    suite: fields.suite ?? null,
    origin: fields.origin ?? null,
    label: fields.label ?? null,
    version: fields.version ?? null,
    description: fields.description ?? null,
    valid_time_duration_seconds: fields.valid_time_duration_seconds ?? null,
    components: fields.components ?? ["main"],
    architectures: fields.architectures ?? ["all", "amd64"],
  };
  const secret = signingSecret(c.env);
  const signing_key = secret ? await generateSigningKey(secret, codename, new URL(c.req.url).host) : undefined;
  await store.create({ distribution, ...(signing_key ? { signing_key } : {}) });
  return c.json(distributionJson(await findDistribution(store, codename)), 201);
}

export async function updateDistribution(c: Context<AppEnv>, store: DistributionStore, codename: string): Promise<Response> {
  await findDistribution(store, codename);
  // As GitLab (`declared_params.except(:codename)`): the codename is the path's; a body codename renames nothing.
  await store.update(codename, fieldsOf(await readFields(c)));
  return c.json(distributionJson(await findDistribution(store, codename)));
}

export async function deleteDistribution(c: Context<AppEnv>, store: DistributionStore, codename: string): Promise<Response> {
  await findDistribution(store, codename);
  await store.remove(codename);
  return c.json({ message: "202 Accepted" }, 202);
}

/** `GET …/debian_distributions/:codename/key.asc`: the distribution's public signing key (armored). */
export async function distributionKey(c: Context<AppEnv>, store: DistributionStore, codename: string): Promise<Response> {
  const key = (await findDistribution(store, codename)).signing_key;
  if (!key) throw new AppError("not_found", "404 Distribution key Not Found");
  return c.body(key.publicKey, 200, { "Content-Type": "application/pgp-keys", "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(codename)}.asc`, "X-Content-Type-Options": "nosniff" });
}
