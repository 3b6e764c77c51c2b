// The signing keys of OIDC issuers, fetched and kept per isolate: the issuer's discovery document
// (`<issuer>/.well-known/openid-configuration`, whose `issuer` must be the issuer) names `jwks_uri`, unless the
// trusted publisher gives its own JWKS URL. Keys are kept KEEP_MS; a token signed with a key id the kept set
// lacks (the issuer rotated) refetches once, and such forced refetches happen at most once per
// FORCED_REFETCH_MS per key set, so a stream of made-up key ids cannot make Packyard hammer an issuer.
// Every fetch is bounded in time and size. Spec: OpenID Connect Discovery 1.0 §4, RFC 7517 §5.
import { readCappedText } from "../bytes";
import { AppError } from "../errors";

export const KEEP_MS = 10 * 60 * 1000;
export const FORCED_REFETCH_MS = 5 * 1000;
const FETCH_TIMEOUT_MS = 5 * 1000;
const MAX_DOCUMENT_BYTES = 64 * 1024;
const MAX_KEYS = 50;
/** Key sets kept per isolate (issuers are few; the oldest is dropped beyond this). */
const MAX_SETS = 100;

export type Jwk = JsonWebKey & { kid?: string };
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

interface KeySet {
  keys: Jwk[];
  fetchedAt: number;
  forcedAt: number;
}

export class JwksCache {
  private sets = new Map<string, KeySet>();
  private discovered = new Map<string, { jwksUri: string; fetchedAt: number }>();

  constructor(
    private fetchFn: FetchLike = (input, init) => fetch(input, init),
    private clock: () => number = Date.now,
  ) {}

  /**
   * The keys that may have signed a token with `kid` (all kept keys when the token names none), refetched
   * when the set is old or, once and bounded, when `kid` is unknown.
   */
  async keysFor(issuer: string, jwksUrl: string | null, kid: string | null): Promise<Jwk[]> {
    const url = jwksUrl ?? (await this.jwksUriOf(issuer));
    const now = this.clock();
    let set = this.sets.get(url);
    let fresh = false;
    if (!set || now - set.fetchedAt >= KEEP_MS) {
      set = await this.load(url, set?.forcedAt ?? 0);
      fresh = true;
    }
    const matching = () => (kid === null ? set!.keys : set!.keys.filter((k) => k.kid === kid));
    if (matching().length === 0 && kid !== null && !fresh && now - set.forcedAt >= FORCED_REFETCH_MS) set = await this.load(url, now);
    return matching();
  }

  private async jwksUriOf(issuer: string): Promise<string> {
    const kept = this.discovered.get(issuer);
    if (kept && this.clock() - kept.fetchedAt < KEEP_MS) return kept.jwksUri;
    const doc = await this.fetchJson(`${issuer}/.well-known/openid-configuration`);
    if (doc.issuer !== issuer || typeof doc.jwks_uri !== "string") throw keysUnavailable("its discovery document names another issuer or no jwks_uri");
    let uri: URL;
    try {
      uri = new URL(doc.jwks_uri);
    } catch {
      throw keysUnavailable("its jwks_uri is not a URL");
    }
    if (uri.protocol !== "https:" && uri.protocol !== new URL(issuer).protocol) throw keysUnavailable("its jwks_uri is not https");
    this.remember(this.discovered, issuer, { jwksUri: uri.toString(), fetchedAt: this.clock() });
    return uri.toString();
  }

  private async load(url: string, forcedAt: number): Promise<KeySet> {
    const doc = await this.fetchJson(url);
    if (!Array.isArray(doc.keys)) throw keysUnavailable("its JWKS has no keys array");
    const keys = (doc.keys as unknown[]).filter((k): k is Jwk => !!k && typeof k === "object" && !Array.isArray(k)).slice(0, MAX_KEYS);
    const set = { keys, fetchedAt: this.clock(), forcedAt };
    this.remember(this.sets, url, set);
    return set;
  }

  private remember<V>(map: Map<string, V>, key: string, value: V) {
    map.delete(key);
    map.set(key, value);
    if (map.size > MAX_SETS) map.delete(map.keys().next().value!);
  }

  private async fetchJson(url: string): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await this.fetchFn(url, { headers: { accept: "application/json" }, redirect: "follow", signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch {
      throw keysUnavailable(`${url} did not answer`);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw keysUnavailable(`${url} answered ${response.status}`);
    }
    const text = await readCappedText(response.body, MAX_DOCUMENT_BYTES).catch(() => {
      throw keysUnavailable(`${url} broke off its answer`);
    });
    if (text === null) throw keysUnavailable(`${url} is larger than ${MAX_DOCUMENT_BYTES} bytes`);
    try {
      const value = JSON.parse(text) as unknown;
      if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {}
    throw keysUnavailable(`${url} is not a JSON object`);
  }
}

/** The issuer's keys could not be had: a 502 to the CI job (its token may be fine; retry later). */
export class KeysUnavailable extends AppError {}
const keysUnavailable = (why: string) => new KeysUnavailable("bad_gateway", `502 Bad Gateway - the issuer's signing keys could not be fetched: ${why}`);
