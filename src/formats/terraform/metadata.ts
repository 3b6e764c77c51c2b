// The module registry protocol's JSON documents (pure): the versions list terraform resolves a constraint
// from, and the details of one version. Shapes as GitLab's Terraform::ModulesPresenter and
// ModuleVersionPresenter render them.
// Spec: https://developer.hashicorp.com/terraform/internals/module-registry-protocol; gitlab-spec.md §12.
import { compareSemver } from "./parse";

/** The discovery document at /.well-known/terraform.json. */
export const SERVICE_DISCOVERY = { "modules.v1": "/api/v4/packages/terraform/modules/v1/" } as const;

/** GET …/v1/:namespace/:name/:system/versions: `{modules: [{versions: [...], source}]}`, highest version first. */
export function buildVersionsDocument(system: string, versions: string[], source: string | null): Record<string, unknown> {
  const sorted = [...versions].sort((a, b) => compareSemver(b, a));
  const module: Record<string, unknown> = {
    versions: sorted.map((version) => ({ version, submodules: [], root: { dependencies: [], providers: [{ name: system, version: "" }] } })),
  };
  if (source) module.source = source;
  return { modules: [module] };
}

/** GET …/v1/:namespace/:name/:system[/:version]: one version's details. */
export function buildVersionDocument(packageName: string, system: string, version: string, source: string | null): Record<string, unknown> {
  return {
    name: packageName,
    provider: system,
    providers: [system],
    root: { dependencies: [] },
    source,
    submodules: [],
    version,
    versions: [version],
  };
}
