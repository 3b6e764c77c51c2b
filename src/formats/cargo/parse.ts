// The JSON part of `cargo publish`, validated once with zod and turned into what the index serves for the
// version (deps as `req`/`package`, features split into `features` and `features2`) and what pages show.
// Spec: https://doc.rust-lang.org/cargo/reference/registry-web-api.html#publish,
//       https://doc.rust-lang.org/cargo/reference/registry-index.html#json-schema
import { z } from "zod";
import { AppError } from "../../core/errors";
import { isValidCrateName, isValidVersion } from "./names";

const text = (max: number) => z.string().max(max);
const optionalText = (max: number) => text(max).nullish();
const crateName = z.string().refine(isValidCrateName, "is not a valid crate name (ASCII letters, digits, `-` and `_`, starting with a letter, at most 64 characters)");

const PublishDependency = z.object({
  name: crateName,
  version_req: text(1024).min(1),
  features: z.array(text(256)).max(1000).default([]),
  optional: z.boolean().default(false),
  default_features: z.boolean().default(true),
  target: optionalText(1024),
  kind: z.enum(["normal", "dev", "build"]).default("normal"),
  registry: optionalText(2048),
  explicit_name_in_toml: crateName.nullish(),
});

const PublishMetadata = z.object({
  name: crateName,
  vers: z.string().refine(isValidVersion, "is not a valid SemVer version"),
  deps: z.array(PublishDependency).max(2000).default([]),
  features: z.record(text(256), z.array(text(512)).max(1000)).default({}),
  authors: z.array(text(1024)).max(200).default([]),
  description: optionalText(64 * 1024),
  documentation: optionalText(2048),
  homepage: optionalText(2048),
  license: optionalText(1024),
  license_file: optionalText(1024),
  repository: optionalText(2048),
  keywords: z.array(text(64)).max(64).default([]),
  categories: z.array(text(256)).max(64).default([]),
  links: optionalText(256),
  rust_version: optionalText(64),
});

/** One dependency as the index lists it. */
export interface IndexDependency {
  name: string;
  req: string;
  features: string[];
  optional: boolean;
  default_features: boolean;
  target: string | null;
  kind: "normal" | "dev" | "build";
  /** The index URL of another registry; absent means this one. */
  registry?: string;
  /** The real crate name when Cargo.toml renamed the dependency. */
  package?: string;
}

/** What a version's index line carries besides name, version, checksum and yanked. */
export interface IndexFields {
  deps: IndexDependency[];
  features: Record<string, string[]>;
  /** Features using `dep:` or `?/` syntax, which cargo older than 1.60 cannot read (schema v2). */
  features2?: Record<string, string[]>;
  links?: string;
  rust_version?: string;
}

export interface PublishedCrate {
  name: string;
  version: string;
  index: IndexFields;
  /** What pages and `cargo search` show (never the README, which can be large). */
  info: {
    description: string | null;
    authors: string[];
    license: string | null;
    repository: string | null;
    homepage: string | null;
    documentation: string | null;
    keywords: string[];
    categories: string[];
  };
}

/** Parse the publish JSON; anything invalid is a 400 that names the field. */
export function parsePublishMetadata(raw: unknown): PublishedCrate {
  const parsed = PublishMetadata.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("bad_request", `400 Bad request - ${issue?.path.join(".") || "metadata"}: ${issue?.message ?? "is invalid"}`);
  }
  const m = parsed.data;
  return {
    name: m.name,
    version: m.vers,
    index: { deps: m.deps.map(indexDependency).sort(byName), ...splitFeatures(m.features), ...(m.links ? { links: m.links } : {}), ...(m.rust_version ? { rust_version: m.rust_version } : {}) },
    info: {
      description: m.description ?? null,
      authors: m.authors,
      license: m.license ?? null,
      repository: m.repository ?? null,
      homepage: m.homepage ?? null,
      documentation: m.documentation ?? null,
      keywords: m.keywords,
      categories: m.categories,
    },
  };
}

/** Cargo sends the name used in Cargo.toml separately; the index names the dependency as written and the crate as `package`. */
function indexDependency(dep: z.infer<typeof PublishDependency>): IndexDependency {
  const renamed = dep.explicit_name_in_toml && dep.explicit_name_in_toml !== dep.name;
  return {
    name: renamed ? dep.explicit_name_in_toml! : dep.name,
    req: dep.version_req,
    features: dep.features,
    optional: dep.optional,
    default_features: dep.default_features,
    target: dep.target ?? null,
    kind: dep.kind,
    ...(dep.registry ? { registry: dep.registry } : {}),
    ...(renamed ? { package: dep.name } : {}),
  };
}

const byName = (a: IndexDependency, b: IndexDependency) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** As crates.io does: features that use `dep:` or `?/` go to `features2`, which makes the line schema v2. */
function splitFeatures(all: Record<string, string[]>): Pick<IndexFields, "features" | "features2"> {
  const features: Record<string, string[]> = {};
  const features2: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(all)) {
    if (values.some((v) => v.startsWith("dep:") || v.includes("?/"))) features2[name] = values;
    else features[name] = values;
  }
  return Object.keys(features2).length > 0 ? { features, features2 } : { features };
}
