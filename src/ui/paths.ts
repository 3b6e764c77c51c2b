// Where each web page lives, GitLab-style: `/<project path>/-/packages[/<id>]`, `/groups/<group path>/-/packages`,
// `/<project path>/-/settings/packages`. Parsing and building are pure.

export type UiRoute =
  | { page: "group_packages"; groupPath: string }
  | { page: "project_packages"; projectPath: string }
  | { page: "package"; projectPath: string; packageId: number }
  | { page: "delete_package"; projectPath: string; packageId: number }
  | { page: "delete_file"; projectPath: string; packageId: number; fileId: number }
  | { page: "settings"; projectPath: string }
  | { page: "settings_access"; projectPath: string }
  | { page: "create_deploy_token"; projectPath: string }
  | { page: "revoke_deploy_token"; projectPath: string; tokenId: number }
  | { page: "create_protection_rule"; projectPath: string }
  | { page: "delete_protection_rule"; projectPath: string; ruleId: number };

const SEGMENT = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$/;

/** Match a path to a page; `null` for anything else (a 404 page). */
export function matchUiRoute(method: string, pathname: string): UiRoute | null {
  const split = pathname.indexOf("/-/");
  if (split <= 0) return null;
  const owner = pathname.slice(1, split);
  const rest = pathname.slice(split + 3).replace(/\/$/, "").split("/");
  if (!owner.split("/").every((s) => SEGMENT.test(s))) return null;
  const id = (text: string | undefined) => (text && /^\d{1,15}$/.test(text) ? Number(text) : null);

  if (owner.startsWith("groups/")) {
    const groupPath = owner.slice("groups/".length);
    return method === "GET" && groupPath && rest.join("/") === "packages" ? { page: "group_packages", groupPath } : null;
  }
  if (!owner.includes("/")) return null; // a project always lives in a namespace
  const projectPath = owner;
  if (rest[0] === "packages") {
    if (rest.length === 1) return method === "GET" ? { page: "project_packages", projectPath } : null;
    const packageId = id(rest[1]);
    if (packageId === null) return null;
    if (rest.length === 2 && method === "GET") return { page: "package", projectPath, packageId };
    if (rest.length === 3 && rest[2] === "delete" && method === "POST") return { page: "delete_package", projectPath, packageId };
    const fileId = id(rest[3]);
    if (rest.length === 5 && rest[2] === "files" && fileId !== null && rest[4] === "delete" && method === "POST") return { page: "delete_file", projectPath, packageId, fileId };
    return null;
  }
  if (rest[0] === "settings" && rest[1] === "packages") {
    if (rest.length === 2) return method === "GET" ? { page: "settings", projectPath } : method === "POST" ? { page: "settings_access", projectPath } : null;
    if (rest.length === 3 && rest[2] === "deploy_tokens" && method === "POST") return { page: "create_deploy_token", projectPath };
    const itemId = id(rest[3]);
    if (rest.length === 5 && rest[2] === "deploy_tokens" && itemId !== null && rest[4] === "revoke" && method === "POST") return { page: "revoke_deploy_token", projectPath, tokenId: itemId };
    if (rest.length === 3 && rest[2] === "protection_rules" && method === "POST") return { page: "create_protection_rule", projectPath };
    if (rest.length === 5 && rest[2] === "protection_rules" && itemId !== null && rest[4] === "delete" && method === "POST") return { page: "delete_protection_rule", projectPath, ruleId: itemId };
  }
  return null;
}

export const urls = {
  home: () => "/",
  signIn: (returnTo?: string) => (returnTo && returnTo !== "/" ? `/users/sign_in?return_to=${encodeURIComponent(returnTo)}` : "/users/sign_in"),
  signOut: () => "/users/sign_out",
  projectPackages: (projectPath: string) => `/${projectPath}/-/packages`,
  groupPackages: (groupPath: string) => `/groups/${groupPath}/-/packages`,
  package: (projectPath: string, packageId: number) => `/${projectPath}/-/packages/${packageId}`,
  deletePackage: (projectPath: string, packageId: number) => `/${projectPath}/-/packages/${packageId}/delete`,
  deleteFile: (projectPath: string, packageId: number, fileId: number) => `/${projectPath}/-/packages/${packageId}/files/${fileId}/delete`,
  settings: (projectPath: string) => `/${projectPath}/-/settings/packages`,
  createDeployToken: (projectPath: string) => `/${projectPath}/-/settings/packages/deploy_tokens`,
  revokeDeployToken: (projectPath: string, tokenId: number) => `/${projectPath}/-/settings/packages/deploy_tokens/${tokenId}/revoke`,
  createProtectionRule: (projectPath: string) => `/${projectPath}/-/settings/packages/protection_rules`,
  deleteProtectionRule: (projectPath: string, ruleId: number) => `/${projectPath}/-/settings/packages/protection_rules/${ruleId}/delete`,
};

/** Only same-site paths are followed after sign-in (no `//host` or `/\host` open redirects). */
export function safeReturnTo(value: string | undefined | null): string {
  if (!value?.startsWith("/")) return "/";
  // Judge the URL as a browser will read it: the parser drops tabs and newlines and turns "\\" into "/",
  // so "/\t/evil.example" is "//evil.example". Only a path on this origin survives, re-serialised.
  const base = "https://packyard.invalid";
  let parsed: URL;
  try {
    parsed = new URL(value, base);
  } catch {
    return "/";
  }
  if (parsed.origin !== base) return "/";
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}
