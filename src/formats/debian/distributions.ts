// The distributions API: `POST|GET|PUT|DELETE /projects/:id/debian_distributions[/:codename]` (GitLab's
// debian_project_distributions.md). Fields arrive as JSON or as a form (curl -d, python-gitlab);
// `components[]`/`architectures[]` or space-separated strings.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import type { PackageWithFiles, ProjectContext } from "../../core/registry";
import { readLimitedText } from "../../http/request-body";
import { validArchitecture, validCodename, validComponent } from "./control";
import { generateSigningKey, signingSecret } from "./signing";
import { DEBIAN, DISTRIBUTION_VERSION, distributionPackageName, type DistributionFields, type DistributionMetadata } from "./distribution";

const BODY_LIMIT = 64 * 1024;

async function readFields(c: Context<AppEnv>): Promise<Record<string, unknown>> {
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
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (key.endsWith("[]")) {
      const k = key.slice(0, -2);
      out[k] = [...((out[k] as string[] | undefined) ?? []), value];
    } else out[key] = value;
  }
  return out;
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

export function distributionJson(row: PackageWithFiles): Record<string, unknown> {
  const d = (row.metadata as unknown as DistributionMetadata).distribution;
  return { id: row.id, ...d, components: d.components.length ? d.components : ["main"], architectures: [...new Set(["all", ...d.architectures])] };
}

export async function findDistribution(c: Context<AppEnv>, ctx: ProjectContext, codename: string): Promise<PackageWithFiles> {
  if (!validCodename(codename)) throw new AppError("not_found", "404 Distribution Not Found");
  const [row] = await c.var.registry.versions([ctx], DEBIAN, distributionPackageName(codename), { statuses: ["hidden"] });
  if (!row) throw new AppError("not_found", "404 Distribution Not Found");
  return row;
}

export async function createDistribution(c: Context<AppEnv>, ctx: ProjectContext): Promise<Response> {
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
  const metadata: DistributionMetadata = { distribution, entries: [], updated_at: new Date().toISOString(), ...(signing_key ? { signing_key } : {}) };
  const name = distributionPackageName(codename);
  const registry = c.var.registry;
  try {
    await registry.commit({ projectId: ctx.project.id, packageType: DEBIAN, name, normalizedName: name }, [
      { kind: "publish", version: DISTRIBUTION_VERSION, files: [], duplicates: { kind: "reject_version" }, status: "hidden", metadata: metadata as unknown as Record<string, unknown> },
    ]);
  } catch (error) {
    if (error instanceof AppError && error.code === "package_exists") throw new AppError("bad_request", "400 Bad request - Codename has already been taken");
    throw error;
  }
  return c.json(distributionJson(await findDistribution(c, ctx, codename)), 201);
}

export async function updateDistribution(c: Context<AppEnv>, ctx: ProjectContext, codename: string): Promise<Response> {
  await findDistribution(c, ctx, codename);
  const fields = fieldsOf(await readFields(c));
  const name = distributionPackageName(codename);
  await c.var.registry.commit({ projectId: ctx.project.id, packageType: DEBIAN, name, normalizedName: name }, [
    { kind: "plan", planner: "debian.update", input: { fields, now: new Date().toISOString() } },
  ]);
  return c.json(distributionJson(await findDistribution(c, ctx, codename)));
}

export async function deleteDistribution(c: Context<AppEnv>, ctx: ProjectContext, codename: string): Promise<Response> {
  const row = await findDistribution(c, ctx, codename);
  const name = distributionPackageName(codename);
  await c.var.registry.commit({ projectId: ctx.project.id, packageType: DEBIAN, name, normalizedName: name }, [{ kind: "remove_package", packageId: row.id }]);
  return c.json({ message: "202 Accepted" }, 202);
}

/** `GET …/debian_distributions/:codename/key.asc`: the distribution's public signing key (armored). */
export async function distributionKey(c: Context<AppEnv>, ctx: ProjectContext, codename: string): Promise<Response> {
  const row = await findDistribution(c, ctx, codename);
  const key = (row.metadata as unknown as DistributionMetadata).signing_key;
  if (!key) throw new AppError("not_found", "404 Distribution has no signing key");
  return c.body(key.publicKey, 200, { "Content-Type": "application/pgp-keys", "Content-Disposition": `attachment; filename="${codename}.asc"`, "X-Content-Type-Options": "nosniff" });
}
