// `users/authenticate` and `users/check_credentials` (v1 and v2, project and instance level).
// `conan remote login` / `conan user -p` (and any request answered 401): GET users/authenticate with
// Basic <username>:<PAT | deploy token | job token> → a short-lived token (token.ts), sent as
// `Authorization: Bearer` from then on; `conan remote login` first asks users/check_credentials.
// Spec: ../shared/reference/gitlab-spec.md §8; GitLab lib/api/concerns/packages/conan/shared_endpoints.rb.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { Actor } from "../../core/auth/actor";
import { readCredential } from "../../core/auth/credentials";
import type { MintedFrom } from "../../core/auth/format-tokens";
import { tokenDigest } from "../../core/auth/secrets";
import { AppError } from "../../core/errors";
import { CONAN_TOKEN_PREFIX, mintConanToken, verifyConanToken } from "./token";

const PLAIN = { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" };

export async function authenticate(c: Context<AppEnv>): Promise<Response> {
  if (c.var.registry.isAnonymous) throw new AppError("unauthorized", "401 Unauthorized");
  const actor = await c.var.registry.resolveActor();
  const secret = c.env.ADMIN_TOKEN;
  if (!secret) throw new AppError("internal", "Conan tokens are signed with the ADMIN_TOKEN secret, which is not set");
  const presented = readCredential(c.req.raw.headers, new URL(c.req.url))?.token ?? "";
  const from = await mintedFrom(actor, presented, secret);
  if (!from) throw new AppError("unauthorized", "401 Unauthorized");
  return c.body(await mintConanToken(secret, from), 200, PLAIN);
}

export async function checkCredentials(c: Context<AppEnv>): Promise<Response> {
  if (c.var.registry.isAnonymous) throw new AppError("unauthorized", "401 Unauthorized");
  await c.var.registry.resolveActor();
  return c.body("ok", 200, PLAIN);
}

/** The credential the caller authenticated with (a Conan token renews as the credential it stands for). */
async function mintedFrom(actor: Actor, presented: string, secret: string): Promise<MintedFrom | null> {
  if (presented.startsWith(CONAN_TOKEN_PREFIX)) return verifyConanToken(presented, secret);
  switch (actor.kind) {
    case "user":
      if (actor.via === "admin_token") return { kind: "admin_token" };
      return actor.via === "personal_access_token" ? { kind: "personal_access_token", digest: await tokenDigest(presented) } : null;
    case "deploy_token":
      return { kind: "deploy_token", digest: await tokenDigest(presented) };
    case "job_token":
      return { kind: "job_token", digest: await tokenDigest(presented) };
    default:
      return null;
  }
}
