// Which module, version and document a GOPROXY URL names (pure): the part after `/packages/go/` is
// `<escaped module>/@v/list`, `<escaped module>/@v/<escaped version>.info|.mod|.zip` or
// `<escaped module>/@latest`. Spec: https://go.dev/ref/mod#goproxy-protocol
import { checkModulePath, checkModuleVersion, unescapeProxyElement } from "./module-path";

export type GoRequest =
  | { kind: "list" | "latest"; modulePath: string }
  | { kind: "info" | "mod" | "zip"; modulePath: string; version: string };

export type GoParse = { ok: true; value: GoRequest } | { ok: false; message: string };

const fail = (message: string): GoParse => ({ ok: false, message });

export function parseGoRequest(rest: string): GoParse {
  let escapedModule: string;
  let document: string;
  if (rest.endsWith("/@latest")) {
    escapedModule = rest.slice(0, -"/@latest".length);
    document = "@latest";
  } else {
    const at = rest.lastIndexOf("/@v/");
    if (at < 0) return fail("not a module proxy path: expected <module>/@v/… or <module>/@latest");
    escapedModule = rest.slice(0, at);
    document = rest.slice(at + "/@v/".length);
  }
  const modulePath = unescapeProxyElement(escapedModule);
  if (modulePath === null) return fail(`invalid escaped module path ${JSON.stringify(escapedModule)}`);
  const pathProblem = checkModulePath(modulePath);
  if (pathProblem) return fail(`malformed module path ${JSON.stringify(modulePath)}: ${pathProblem}`);
  if (document === "@latest") return { ok: true, value: { kind: "latest", modulePath } };
  if (document === "list") return { ok: true, value: { kind: "list", modulePath } };
  const match = /^(.+)\.(info|mod|zip)$/.exec(document);
  if (!match) return fail(`unknown module proxy document ${JSON.stringify(document)}`);
  const version = unescapeProxyElement(match[1]!);
  if (version === null) return fail(`invalid escaped version ${JSON.stringify(match[1])}`);
  const versionProblem = checkModuleVersion(modulePath, version);
  if (versionProblem) return fail(`${modulePath}@${version}: invalid version: ${versionProblem}`);
  return { ok: true, value: { kind: match[2] as "info" | "mod" | "zip", modulePath, version } };
}
