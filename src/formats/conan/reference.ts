// Pure parsing of Conan coordinates: recipe references (`name/version@user/channel`, `_/_` for none), the
// files GitLab accepts, revisions, and the instance-level rule (`user` = project full path with `/` → `+`).
// Spec: ../shared/reference/gitlab-spec.md §8 (lib/api/conan_package_endpoints.rb, conan_packages_finder).
import { AppError } from "../../core/errors";

export const CONAN = "conan";

/** The only file names GitLab stores for Conan (CONAN_FILES). */
export const RECIPE_FILES = ["conanfile.py", "conanmanifest.txt", "conan_sources.tgz", "conan_export.tgz"] as const;
export const PACKAGE_FILES = ["conaninfo.txt", "conanmanifest.txt", "conan_package.tgz"] as const;

const NAME = /^[a-zA-Z0-9_][a-zA-Z0-9_+.-]{0,50}$/;
const USER_OR_CHANNEL = /^(?:_|[a-zA-Z0-9_][a-zA-Z0-9_+.-]{0,250})$/;
const REVISION = /^[a-zA-Z0-9]{1,64}$/;
const PACKAGE_REFERENCE = /^[a-zA-Z0-9]{1,64}$/;

export interface RecipeRef {
  name: string;
  version: string;
  user: string;
  channel: string;
}

export function parseRecipe(params: Record<string, string | undefined>): RecipeRef {
  const { name = "", version = "", user = "", channel = "" } = params;
  if (!NAME.test(name)) throw new AppError("bad_request", "400 Bad request - package_name is invalid");
  if (!NAME.test(version)) throw new AppError("bad_request", "400 Bad request - package_version is invalid");
  if (!USER_OR_CHANNEL.test(user)) throw new AppError("bad_request", "400 Bad request - package_username is invalid");
  if (!USER_OR_CHANNEL.test(channel)) throw new AppError("bad_request", "400 Bad request - package_channel is invalid");
  // `_` stands for "none": user and channel are both none or both set (GitLab's validate_username_and_channel).
  if ((user === "_") !== (channel === "_")) throw new AppError("bad_request", `400 Bad request - ${user === "_" ? "package_username" : "package_channel"} can't be solely blank`);
  return { name, version, user, channel };
}

/** The stored package's normalised name: one package per name, user and channel (GitLab finds by all three). */
export const normalizedNameOf = (ref: RecipeRef) => `${ref.name}@${ref.user}/${ref.channel}`;
export const refPath = (ref: RecipeRef) => `${ref.name}/${ref.version}/${ref.user}/${ref.channel}`;
/** `name/version@user/channel`, or `name/version` when both are `_` (Conan 2 without user and channel). */
export const refText = (ref: RecipeRef) => (ref.user === "_" && ref.channel === "_" ? `${ref.name}/${ref.version}` : `${ref.name}/${ref.version}@${ref.user}/${ref.channel}`);

/** Instance level: the recipe's `user` names the project (`group+sub+project`); null when it cannot. */
export function projectPathOfUser(user: string): string | null {
  if (!user.includes("+")) return null;
  const path = user.replace(/\+/g, "/");
  return path.split("/").every((s) => s !== "") ? path : null;
}

export function parseRevision(value: string | undefined, protocol: "v1" | "v2"): string {
  if (!value || !REVISION.test(value)) throw new AppError("bad_request", "400 Bad request - revision is invalid");
  if (protocol === "v2" && value === "0") throw new AppError("bad_request", "400 Bad request - revision 0 is not a valid revision");
  return value;
}

export function parsePackageReference(value: string | undefined): string {
  if (!value || !PACKAGE_REFERENCE.test(value)) throw new AppError("bad_request", "400 Bad request - conan_package_reference is invalid");
  return value;
}

export function parseFileName(value: string | undefined, kind: "recipe" | "package"): string {
  const allowed: readonly string[] = kind === "recipe" ? RECIPE_FILES : PACKAGE_FILES;
  if (!value || !allowed.includes(value)) throw new AppError("bad_request", "400 Bad request - file_name does not have a valid value");
  return value;
}

/** A `conan search` query: globs (`*`, `?`) per component of `name[/version][@user[/channel]]`. */
export interface RecipeQuery {
  name: RegExp;
  version: RegExp | null;
  user: RegExp | null;
  channel: RegExp | null;
  /** The project a literal `@group+project` names (instance level: search only there). */
  projectPath: string | null;
}

/**
 * Parses `q` as GitLab's Conan search does (app/services/packages/conan/search_service.rb, package_finder.rb):
 * null, answered with no results, when it names no recipe or would list everything (`*`, `*` + `/*`).
 * Case-insensitive unless the client sends `ignorecase=False` (Conan 2 `--case-sensitive`).
 */
export function parseRecipeQuery(q: string, ignoreCase = true): RecipeQuery | null {
  const query = q.trim();
  const at = query.indexOf("@");
  const [name = "", version = "", ...extraLeft] = (at < 0 ? query : query.slice(0, at)).split("/");
  const [user = "", channel = "", ...extraRight] = at < 0 ? [] : query.slice(at + 1).split("/");
  if (!name || extraLeft.length > 0 || extraRight.length > 0) return null;
  const everything = (part: string) => /^\*+$/.test(part);
  if (everything(name) && (!version || everything(version)) && !user) return null;
  const glob = (part: string) => (part ? new RegExp(`^${part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, ignoreCase ? "i" : "") : null);
  return {
    name: glob(name)!,
    version: glob(version),
    user: glob(user),
    channel: glob(channel),
    projectPath: user && !/[*?]/.test(user) ? projectPathOfUser(user) : null,
  };
}

/** Whether a recipe is one the query asks for. */
export function queryMatches(query: RecipeQuery, ref: RecipeRef): boolean {
  return query.name.test(ref.name) && (query.version?.test(ref.version) ?? true) && (query.user?.test(ref.user) ?? true) && (query.channel?.test(ref.channel) ?? true);
}

/** The recipe coordinates a stored package name (`name@user/channel`) holds. */
export function recipeOfName(normalizedName: string, version = ""): RecipeRef {
  const at = normalizedName.lastIndexOf("@");
  const [user = "_", channel = "_"] = normalizedName.slice(at + 1).split("/");
  return { name: normalizedName.slice(0, at), version, user, channel };
}

/** conaninfo.txt (an INI file) as Conan's package search answers it: settings, options and requires. */
export function parseConaninfo(text: string): { settings: Record<string, string>; options: Record<string, string>; requires: string[] } {
  const out = { settings: {} as Record<string, string>, options: {} as Record<string, string>, requires: [] as string[] };
  let section = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1] ?? "";
      continue;
    }
    if (section === "requires") out.requires.push(line);
    else if (section === "settings" || section === "options") {
      const eq = line.indexOf("=");
      if (eq > 0) out[section][line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
  }
  return out;
}
