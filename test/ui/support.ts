// Helpers for web page tests: seed packages straight through the blob store and the publish coordinator,
// sign in through the real form, and submit forms with the page's CSRF token.
import { env } from "cloudflare:workers";
import { putBlob } from "../../src/core/blobs";
import { commitPackage } from "../../src/core/publish/client";
import type { BuildInfo } from "../../src/core/publish/types";
import { call } from "../support/api";

export async function seedPackage(
  projectId: number,
  packageType: string,
  name: string,
  version: string,
  options: { files?: Record<string, string>; creatorId?: number; buildInfo?: BuildInfo; metadata?: Record<string, unknown>; tags?: string[] } = {},
) {
  const files = await Promise.all(
    Object.entries(options.files ?? { [`${name.replace(/\W+/g, "-")}-${version}.bin`]: `${name}@${version}` }).map(async ([fileName, text]) => ({
      fileName,
      blob: await putBlob(env, new Response(text).body!, { contentLength: new TextEncoder().encode(text).byteLength, maxBytes: 1 << 20 }),
    })),
  );
  return commitPackage(env, {
    projectId,
    packageType,
    name,
    normalizedName: name.toLowerCase(),
    ops: [{ kind: "publish", version, files, duplicates: { kind: "allow" }, metadata: options.metadata, tags: options.tags }],
    author: { creatorId: options.creatorId ?? null, buildInfo: options.buildInfo ?? null },
  });
}

export interface Browser {
  cookies: Map<string, string>;
  get: (path: string) => Promise<{ status: number; html: string; res: Response }>;
  post: (path: string, fields: Record<string, string | string[]>, headers?: Record<string, string>) => Promise<Response>;
}

/** A cookie jar over `call`, enough to drive the forms as a browser would. */
export function browser(): Browser {
  const cookies = new Map<string, string>();
  const remember = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const [name = "", ...value] = pair.split("=");
      if (/max-age=0/i.test(line) || value.join("=") === "") cookies.delete(name.trim());
      else cookies.set(name.trim(), value.join("="));
    }
  };
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  return {
    cookies,
    async get(path) {
      const res = await call(path, { headers: cookies.size ? { cookie: cookieHeader() } : {}, redirect: "manual" });
      remember(res);
      return { status: res.status, html: await res.text(), res };
    },
    async post(path, fields, headers = {}) {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
      const res = await call(path, {
        method: "POST",
        body: body.toString(),
        headers: { "content-type": "application/x-www-form-urlencoded", ...(cookies.size ? { cookie: cookieHeader() } : {}), ...headers },
        redirect: "manual",
      });
      remember(res);
      return res;
    },
  };
}

export function csrfTokenIn(html: string): string {
  const match = html.match(/name="authenticity_token" value="([^"]*)"/);
  if (!match) throw new Error("no CSRF token on the page");
  return match[1] ?? "";
}

/** Sign in through the form; the browser then holds the session cookie. */
export async function signIn(username: string, password = "password123"): Promise<Browser> {
  const b = browser();
  const form = await b.get("/users/sign_in");
  const res = await b.post("/users/sign_in", { authenticity_token: csrfTokenIn(form.html), username, password });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return b;
}

/** Visible text of a page, tags stripped, whitespace collapsed (for content assertions). */
export function textOf(html: string): string {
  return html
    .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");
}

/** The page's D1 round trips, from its Server-Timing header (a batch of several statements is one). */
export function d1Queries(res: Response): number {
  const match = res.headers.get("server-timing")?.match(/d1;desc="(\d+) round trips/);
  if (!match) throw new Error("no Server-Timing d1 entry");
  return Number(match[1]);
}
