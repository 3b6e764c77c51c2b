// The registry fuzzer (`npm run fuzz`, see docs/reliability.md): seeded, bounded in count and time, run in
// workerd with the real D1, R2 and Durable Object bindings. It sends malformed requests to every format route
// of the contract table (upload, download, metadata) and to the management and Packages API, with valid
// credentials and without, and fails on any 5xx (printing the request), any 4xx without an error body, any
// /api/v4 answer without nosniff, or any request that hangs. Then it checks the storage invariants.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe as suite, expect, it } from "vitest";
import worker from "../../src/index";
import { CONTRACT_FORMATS } from "../contract/formats";
import { digestsOf } from "../contract/support";
import { ADMIN_TOKEN, addMember, call, createDeployToken, createGroup, createJobToken, createProject, createUser, ok, unique } from "../support/api";
import { checkInvariants } from "../support/invariants";
import { buildCorpus } from "./corpus";
import { describe, materialise, recipeArb, requestOf, type Recipe, type Wire, type World } from "./requests";

const vars = env as unknown as Record<string, string | undefined>;
const SEED = Number(vars.FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(vars.FUZZ_RUNS ?? 300);
const BUDGET_MS = Number(vars.FUZZ_BUDGET_SECONDS ?? 60) * 1000;
/** Only this case of the seed's sequence (reproduce one failure: `npm run fuzz -- --seed S --only N`). */
const ONLY = vars.FUZZ_ONLY ? Number(vars.FUZZ_ONLY) : null;
const REQUEST_TIMEOUT_MS = 20_000;

async function createWorld(): Promise<World> {
  const user = await createUser();
  const publicGroup = await createGroup(unique("fuzz-public"), { visibility: "public" });
  const privateGroup = await createGroup(unique("fuzz-private"), { visibility: "private" });
  const publicProject = await createProject(publicGroup.id, { visibility: "public" });
  const privateProject = await createProject(privateGroup.id, { visibility: "private" });
  for (const p of [publicProject, privateProject]) await addMember("projects", p.id, user.id, 40);
  const deploy = await createDeployToken("projects", publicProject.id, ["read_package_registry", "write_package_registry"]);
  const job = await createJobToken(publicProject.id, user.token);
  const credentials: World["credentials"] = {
    none: null,
    maintainer: { kind: "personal", token: user.token, username: user.username },
    deploy: { kind: "deploy", token: deploy.token, username: deploy.username },
    job: { kind: "job", token: job.token, username: "gitlab-ci-token" },
    unknown: { kind: "personal", token: "glpat-fuzz-unknown-token-000000", username: "nobody" },
    admin: null, // rendered as PRIVATE-TOKEN: ADMIN_TOKEN
  };
  // One valid version per format in each project, through the contract adapters' real uploads.
  const seeded: World["seeded"] = {};
  for (const format of CONTRACT_FORMATS) {
    const v = format.packageVersion(unique("seed").replace(/[^a-z0-9-]/g, ""), "1.0.0");
    const bytes = format.fileFor ? await format.fileFor(v, new TextEncoder().encode(`seed ${v.name}`)) : new TextEncoder().encode(`seed ${v.name}`);
    for (const project of [publicProject, privateProject]) {
      const res = await format.upload(project.id, v, bytes, format.credentials(credentials.maintainer));
      if (res.status !== format.uploaded) throw new Error(`seeding ${format.packageType} failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
    seeded[format.packageType] = { v, sha256: (await digestsOf(bytes)).sha256 };
  }
  const listed = await ok<{ id: number }[]>(call(`/api/v4/projects/${publicProject.id}/packages?per_page=100`, { token: user.token }));
  const packageIds = listed.map((p) => p.id);
  const files = await ok<{ id: number }[]>(call(`/api/v4/projects/${publicProject.id}/packages/${packageIds[0] ?? 0}/package_files`, { token: user.token }));
  return {
    publicProject: publicProject.id,
    privateProject: privateProject.id,
    publicGroup: publicGroup.id,
    privateGroup: privateGroup.id,
    userId: user.id,
    packageIds,
    fileIds: files.map((f) => f.id),
    credentials,
    adminToken: ADMIN_TOKEN,
    seeded,
    corpus: await buildCorpus(),
  };
}

interface Failure {
  index: number;
  problem: string;
  request: string;
  recipe: Recipe;
}

const isApi = (url: string) => new URL(url).pathname.startsWith("/api/v4");
/** Management and Packages API paths: their errors are GitLab's JSON. */
const isManagement = (url: string) => /^\/api\/v4\/(projects|groups|users|user|namespaces|personal_access_tokens)(\/[^/]+)?(\/(packages(\/[^/]+(\/(package_files|pipelines)(\/[^/]+)?)?)?|members|deploy_tokens|job_tokens|projects|subgroups|personal_access_tokens|block|unblock)(\/[^/]+)?)?\/?$/.test(new URL(url).pathname);

/** What is wrong with an answer (null: fine). */
async function judge(wire: Wire, response: Response, body: Uint8Array): Promise<string | null> {
  if (response.status >= 500) return `answered ${response.status}: ${new TextDecoder().decode(body.subarray(0, 500))}`;
  if (isApi(wire.url) && response.headers.get("x-content-type-options") !== "nosniff") return `answered ${response.status} without X-Content-Type-Options: nosniff`;
  if (response.status >= 400 && wire.method !== "HEAD") {
    const type = response.headers.get("content-type") ?? "";
    if (body.byteLength === 0) return `answered ${response.status} with an empty body`;
    if (!type) return `answered ${response.status} without a Content-Type`;
    if (/json/.test(type)) {
      try {
        JSON.parse(new TextDecoder().decode(body));
      } catch {
        return `answered ${response.status} with a Content-Type of ${type} and a body that is not JSON`;
      }
    } else if (isManagement(wire.url) && !/\/packages\/(npm|maven|pypi|generic|nuget|conan|helm|composer|terraform|go|rubygems|debian|cargo)\b/.test(wire.url)) {
      return `answered ${response.status} on a management route with ${type}, not JSON`;
    }
  }
  return null;
}

async function send(request: Request): Promise<{ response: Response; body: Uint8Array } | "hung"> {
  const ctx = createExecutionContext();
  const work = (async () => {
    const response = await worker.fetch(request, env as never, ctx);
    const body = new Uint8Array(await response.arrayBuffer());
    await waitOnExecutionContext(ctx);
    return { response, body };
  })();
  let timer: ReturnType<typeof setTimeout> = 0 as unknown as ReturnType<typeof setTimeout>;
  const timeout = new Promise<"hung">((resolve) => {
    timer = setTimeout(() => resolve("hung"), REQUEST_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

suite("fuzz", () => {
  it(`every answer stays below 500 and the storage invariants hold (seed ${SEED})`, async () => {
    const started = Date.now();
    const world = await createWorld();
    const recipes = fc.sample(recipeArb(world), { seed: SEED, numRuns: RUNS });
    const stats = { sent: 0, unsendable: 0, byStatus: {} as Record<string, number>, byKind: {} as Record<string, number>, abortedBodies5xx: 0, thrown: 0 };
    const failures: Failure[] = [];
    const emptyAllowed = new Set<number>();
    const deadline = started + BUDGET_MS;
    let index = 0;
    for (; index < recipes.length && Date.now() < deadline; index++) {
      if (ONLY !== null && index !== ONLY) continue;
      const recipe = recipes[index];
      if (!recipe) break;
      const wire = await materialise(world, recipe, index);
      const request = wire && requestOf(wire);
      if (!wire || !request) {
        stats.unsendable++;
        continue;
      }
      stats.sent++;
      stats.byKind[recipe.kind] = (stats.byKind[recipe.kind] ?? 0) + 1;
      let outcome: Awaited<ReturnType<typeof send>>;
      try {
        outcome = await send(request);
      } catch (error) {
        stats.thrown++;
        if (wire.abortAfter === undefined) failures.push({ index, problem: `the Worker threw: ${String(error)}`, request: await describe(wire), recipe });
        continue;
      }
      if (outcome === "hung") {
        failures.push({ index, problem: `no answer within ${REQUEST_TIMEOUT_MS} ms`, request: await describe(wire), recipe });
        continue;
      }
      const { response, body } = outcome;
      const klass = `${Math.floor(response.status / 100)}xx`;
      stats.byStatus[klass] = (stats.byStatus[klass] ?? 0) + 1;
      if (response.status >= 500 && wire.abortAfter !== undefined) {
        stats.abortedBodies5xx++; // the client went away: nobody reads the answer, the invariants still must hold
        continue;
      }
      const problem = await judge(wire, response, body);
      if (problem) failures.push({ index, problem, request: await describe(wire), recipe });
      // A file deleted through the API may leave its package without files (as GitLab does).
      const deletedFile = /\/packages\/(\d+)\/package_files\/\d+$/.exec(new URL(wire.url).pathname);
      if (deletedFile && wire.method === "DELETE" && response.status < 300) emptyAllowed.add(Number(deletedFile[1]));
    }
    const report = await checkInvariants({ emptyAllowed, digestSample: 200 });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      [
        `fuzz: seed ${SEED}, ${index} of ${RUNS} cases in ${seconds} s (budget ${BUDGET_MS / 1000} s)`,
        `  sent ${stats.sent} (${Object.entries(stats.byKind).map(([k, n]) => `${k} ${n}`).join(", ")}), not sendable ${stats.unsendable}, thrown ${stats.thrown}`,
        `  answers: ${Object.entries(stats.byStatus).sort().map(([k, n]) => `${k} ${n}`).join(", ")}; 5xx after a client abort ${stats.abortedBodies5xx}`,
        `  storage: ${report.packages} packages, ${report.files} files, ${report.digestsChecked} digests checked, ${report.unreferencedBeforeCleanup} unreferenced blobs reclaimed by the cleanup (${report.removedByCleanup} removed)`,
        `  failures ${failures.length}, invariant violations ${report.violations.length}`,
        `  reproduce: npm run fuzz -- --seed ${SEED} --runs ${RUNS}`,
      ].join("\n"),
    );
    for (const f of failures.slice(0, 20)) {
      console.log(`FAIL case ${f.index}: ${f.problem}\n  ${f.request}\n  recipe: ${JSON.stringify(f.recipe, (_k, v) => (v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v)).slice(0, 600)}\n  only this case: npm run fuzz -- --seed ${SEED} --runs ${RUNS} --only ${f.index}`);
    }
    for (const v of report.violations.slice(0, 20)) console.log(`INVARIANT ${v}`);
    expect(failures.map((f) => `case ${f.index}: ${f.problem}`)).toEqual([]);
    expect(report.violations).toEqual([]);
  });
});
