// The upstream registries of request forwarding: where each format forwards (Worker vars with the public
// registries as defaults) and one fetch that never hangs past a bounded timeout and names the upstream
// in every failure (502 for an error or a 5xx, 504 for a timeout).
// Spec: docs/forwarding.md "Failures".
import type { Bindings } from "../../env";
import { AppError } from "../errors";
import type { ForwardingFormat } from "../settings/package-settings";
import { readCappedBytes } from "../bytes";

export const DEFAULT_UPSTREAMS: Record<ForwardingFormat, string> = {
  npm: "https://registry.npmjs.org",
  pypi: "https://pypi.org",
  maven: "https://repo.maven.apache.org/maven2",
};

const DEFAULT_TIMEOUT_MS = 10_000;

export type UpstreamEnv = Pick<Bindings, "NPM_UPSTREAM_URL" | "PYPI_UPSTREAM_URL" | "MAVEN_UPSTREAM_URL" | "UPSTREAM_TIMEOUT_MS">;

export interface Upstream {
  format: ForwardingFormat;
  /** Base URL without a trailing slash. */
  base: string;
  timeoutMs: number;
}

export function upstreamOf(env: UpstreamEnv, format: ForwardingFormat): Upstream {
  const configured = { npm: env.NPM_UPSTREAM_URL, pypi: env.PYPI_UPSTREAM_URL, maven: env.MAVEN_UPSTREAM_URL }[format];
  const base = (configured || DEFAULT_UPSTREAMS[format]).replace(/\/+$/, "");
  return { format, base, timeoutMs: Number(env.UPSTREAM_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS };
}

/** An upstream answer the caller reads: the body stays bounded by the same deadline as the headers. */
export interface UpstreamAnswer {
  response: Response;
  /** Stop waiting (the deadline also fires on its own). */
  done: () => void;
  /** Whether the deadline fired. */
  timedOut: () => boolean;
}

/**
 * GET (or POST) `url` from the upstream. 404 and 410 answer null (the name is not there); a network error or
 * a 5xx is a 502 naming the upstream, no answer within the timeout a 504. The deadline also bounds reading the
 * body when `wholeBody` is set (metadata); files stream on without it once their headers arrived.
 */
export async function fetchUpstream(upstream: Upstream, url: string, init: RequestInit = {}, options: { wholeBody?: boolean } = {}): Promise<UpstreamAnswer | null> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, upstream.timeoutMs);
  const done = () => clearTimeout(timer);
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: "follow", signal: controller.signal });
  } catch (error) {
    done();
    throw timedOut ? timeoutError(upstream) : new AppError("bad_gateway", `502 Bad Gateway - the upstream ${upstream.base} could not be reached (${describe(error)})`);
  }
  if (response.status === 404 || response.status === 410) {
    done();
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) {
    done();
    await response.body?.cancel();
    throw new AppError("bad_gateway", `502 Bad Gateway - the upstream ${upstream.base} answered ${response.status}`);
  }
  if (!options.wholeBody) done();
  return { response, done, timedOut: () => timedOut };
}

/** Read an upstream metadata document, at most `maxBytes`, within the request's deadline. */
export async function readUpstreamText(upstream: Upstream, answer: UpstreamAnswer, maxBytes: number): Promise<string> {
  try {
    const bytes = await readCapped(answer.response.body, maxBytes);
    if (bytes === null) throw new AppError("bad_gateway", `502 Bad Gateway - the upstream ${upstream.base} sent a document larger than ${maxBytes} bytes`);
    return new TextDecoder().decode(bytes);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw answer.timedOut() ? timeoutError(upstream) : new AppError("bad_gateway", `502 Bad Gateway - the upstream ${upstream.base} broke off (${describe(error)})`);
  } finally {
    answer.done();
  }
}

/** The whole body, or null past `maxBytes` (the shared capped reader; no body is empty). */
const readCapped = (body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array | null> =>
  body ? readCappedBytes(body, maxBytes) : Promise.resolve(new Uint8Array());

export const timeoutError = (upstream: Upstream) =>
  new AppError("gateway_timeout", `504 Gateway Timeout - the upstream ${upstream.base} did not answer within ${upstream.timeoutMs} ms`);

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 200);

/** Whether an upstream-given URL may be fetched: http(s) only, never credentials in it. */
export function fetchableUrl(url: string): URL | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
    if (parsed.username || parsed.password) return null;
    return parsed;
  } catch {
    return null;
  }
}
