// What a format folder exports, and the one line in src/formats/index.ts that registers it.
import type { Context, Hono } from "hono";
import type { AppEnv } from "../env";
import type { AppError } from "../core/errors";
import type { Planner } from "../core/publish/planners";
import type { CommitTarget } from "../core/publish/types";
import type { PackageStatus } from "../core/packages";
import type { ProjectContext } from "../core/registry";

export interface FormatModule {
  /** `package_type` in the Packages API and in stored rows (npm, pypi, maven, generic, …). */
  packageType: string;
  /** How pages name it ("PyPI", "Maven"). */
  displayName: string;
  /** Mounted at /api/v4; the routes carry their full GitLab paths (e.g. /projects/:id/packages/npm/…). */
  routes: Hono<AppEnv>;
  /** Routes a client protocol fixes outside /api/v4 (e.g. service discovery under /.well-known/), mounted at the root. */
  rootRoutes?: Hono<AppEnv>;
  /** Renders errors of this format's routes (and of requests they matched) in the client's shape. */
  renderError(c: Context<AppEnv>, error: AppError): Response;
  /**
   * Where a write to a package of this format commits, when it is not the package's own project-wide
   * coordinator (npm: one coordinator per name in a top-level namespace). Deletes from the Packages API and
   * the pages use it too, so every write of a package queues behind the same coordinator.
   */
  commitTarget?(project: ProjectContext, name: string): CommitTarget;
  /** Multi-step changes decided inside the publish coordinator (src/core/publish/planners.ts). */
  planners?: Record<string, Planner>;
  /** Install and configuration snippets for a package page, as GitLab's pages show them. */
  snippets(input: SnippetInput): Snippet[];
  /**
   * Bookkeeping packages the format keeps (name and the status it keeps them in, e.g. Debian's hidden
   * `distributions`): never listed by the Packages API (whatever `?status=`), nor found there or on the pages by id.
   */
  internalPackages?: readonly InternalPackage[];
}

export interface InternalPackage {
  normalizedName: string;
  status: PackageStatus;
  /**
   * Its files are removed by the scheduled cleanup this long after they were stored (through the package's
   * project coordinator: not for formats with their own commitTarget). Debian's incoming: 3 hours, as GitLab.
   */
  filesExpireAfterSeconds?: number;
}

export interface SnippetInput {
  /** e.g. https://packages.example.com */
  origin: string;
  projectId: number;
  projectPath: string;
  packageType: string;
  name: string;
  version: string;
  fileNames: string[];
  metadata: Record<string, unknown>;
  /** Package id, for the Packages API fallback. */
  packageId: number;
}

export interface Snippet {
  /** Heading shown above the block, e.g. "Install" or ".npmrc". */
  title: string;
  /** What the block is (a file name or a shell), for screen readers and syntax hints. */
  language: "shell" | "ini" | "xml" | "json" | "groovy" | "hcl" | "text" | "toml" | "yaml";
  code: string;
}
