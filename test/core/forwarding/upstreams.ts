// Upstream registries for the forwarding tests, with no internet: the public registries' URLs (the
// defaults of NPM_UPSTREAM_URL, PYPI_UPSTREAM_URL, MAVEN_UPSTREAM_URL) are answered by the project-level
// endpoints of public projects of this same Packyard, as a second registry would answer them. `intercept`
// lets a test make an upstream lie, fail or hang; every request an upstream got is recorded.
import { exports } from "cloudflare:workers";
import { vi } from "vitest";
import { BASE } from "../../support/api";

const UPSTREAMS = {
  npm: "https://registry.npmjs.org/",
  pypi: "https://pypi.org/",
  maven: "https://repo.maven.apache.org/maven2/",
} as const;

type Format = keyof typeof UPSTREAMS;
type Intercept = (url: string, init: RequestInit | undefined) => Response | "hang" | undefined | Promise<Response | "hang" | undefined>;

export interface UpstreamDouble {
  /** URLs the Worker fetched from an upstream. */
  requests: string[];
  intercept: Intercept | null;
  restore: () => void;
}

const worker = () => (exports as unknown as { default: { fetch: (r: Request) => Promise<Response> } }).default;

/** Serve each format's upstream from a project (`projects[format]` is its id) until `restore()`. */
export function serveUpstreams(projects: Partial<Record<Format, number>>): UpstreamDouble {
  const original = globalThis.fetch;
  const double: UpstreamDouble = { requests: [], intercept: null, restore: () => spy.mockRestore() };
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const format = (Object.keys(UPSTREAMS) as Format[]).find((f) => url.startsWith(UPSTREAMS[f]));
    if (!format) return original(input, init);
    double.requests.push(url);
    const intercepted = await double.intercept?.(url, init);
    if (intercepted === "hang") {
      return new Promise<Response>((_, reject) => init?.signal?.addEventListener("abort", () => reject(new DOMException("The operation was aborted", "AbortError"))));
    }
    if (intercepted) return intercepted;
    const project = projects[format];
    if (project === undefined) return new Response("no such upstream", { status: 404 });
    const rest = url.slice(UPSTREAMS[format].length);
    const headers = new Headers(init?.headers);
    const answer = await worker().fetch(new Request(`${BASE}/api/v4/projects/${project}/packages/${format}/${rest}`, { method: init?.method ?? "GET", headers }));
    // Read here: a body streamed out of the nested request's I/O context cannot be piped into another's R2 put.
    return new Response(await answer.arrayBuffer(), { status: answer.status, headers: answer.headers });
  });
  return double;
}
