// GitLab's namespace package settings (namespace_package_settings) with its column defaults, and the
// cascade of the request-forwarding settings (CascadingNamespaceSettingAttribute): pure functions over the
// stored JSON of a namespace and of its ancestors, and the instance settings.
// Spec: GitLab app/models/namespace/package_setting.rb, app/models/concerns/cascading_namespace_setting_attribute.rb,
// app/graphql/types/namespace/package_settings_type.rb; docs/forwarding.md.
import type { NamespacePackageSettings } from "../../db/schema";

export const FORWARDING_FORMATS = ["maven", "npm", "pypi"] as const;
export type ForwardingFormat = (typeof FORWARDING_FORMATS)[number];
export type ForwardingField = `${ForwardingFormat}_package_requests_forwarding`;
export type LockField = `lock_${ForwardingField}`;

/** A namespace's settings with every default applied (what GitLab's row holds). */
export type PackageSettings = Required<NamespacePackageSettings>;

/** GitLab's column defaults (terraform_module duplicates are off by default; forwarding inherits: null). */
export const DEFAULT_PACKAGE_SETTINGS: PackageSettings = {
  maven_duplicates_allowed: true,
  maven_duplicate_exception_regex: "",
  generic_duplicates_allowed: true,
  generic_duplicate_exception_regex: "",
  nuget_duplicates_allowed: true,
  nuget_duplicate_exception_regex: "",
  nuget_symbol_server_enabled: false,
  terraform_module_duplicates_allowed: false,
  terraform_module_duplicate_exception_regex: "",
  maven_package_requests_forwarding: null,
  lock_maven_package_requests_forwarding: false,
  npm_package_requests_forwarding: null,
  lock_npm_package_requests_forwarding: false,
  pypi_package_requests_forwarding: null,
  lock_pypi_package_requests_forwarding: false,
  package_requests_forwarding_allow_regex: "",
  package_requests_forwarding_deny_regex: "",
};

export function packageSettingsOf(stored: NamespacePackageSettings | null | undefined): PackageSettings {
  const settings = { ...DEFAULT_PACKAGE_SETTINGS };
  for (const key of Object.keys(DEFAULT_PACKAGE_SETTINGS) as (keyof PackageSettings)[]) {
    const value = stored?.[key];
    if (value !== undefined) (settings as Record<string, unknown>)[key] = value;
  }
  return settings;
}

/** The instance's forwarding settings (GitLab's application_settings columns of the same names). */
export type InstanceForwarding = Record<ForwardingField | LockField, boolean>;

export const forwardingField = (format: ForwardingFormat): ForwardingField => `${format}_package_requests_forwarding`;
export const lockField = (format: ForwardingFormat): LockField => `lock_${format}_package_requests_forwarding`;

export interface CascadedValue {
  value: boolean;
  /** Locked by an ancestor or by the instance: the namespace cannot change it (GraphQL `…Locked`). */
  locked: boolean;
}

/**
 * The value a namespace has for a forwarding setting, in GitLab's order: a locking ancestor's value; the
 * instance's when the instance locks it; the namespace's own; the nearest ancestor's that is set; the
 * instance's. `chain` runs from the top-level namespace down to the namespace itself.
 */
export function cascadedForwarding(format: ForwardingFormat, chain: PackageSettings[], instance: InstanceForwarding): CascadedValue {
  const field = forwardingField(format);
  const ancestors = chain.slice(0, -1);
  const self = chain.at(-1);
  // Locking clears the locks below (GitLab clear_descendant_*_locks), so the top-most lock is the one in force.
  const locking = ancestors.find((s) => s[lockField(format)]);
  if (locking) return { value: locking[field] ?? instance[field], locked: true };
  if (instance[lockField(format)]) return { value: instance[field], locked: true };
  if (self && self[field] !== null) return { value: self[field], locked: false };
  const inherited = [...ancestors].reverse().find((s) => s[field] !== null);
  return { value: inherited?.[field] ?? instance[field], locked: false };
}

/** The value a namespace inherits (nearest ancestor that sets it), null when none does. */
export function ancestorValue(format: ForwardingFormat, chain: PackageSettings[]): boolean | null {
  const field = forwardingField(format);
  return [...chain.slice(0, -1)].reverse().find((s) => s[field] !== null)?.[field] ?? null;
}

/** GitLab's humanised attribute name in validation messages (`npm_package…` → "Npm package…"). */
export function humanize(field: string): string {
  const words = field.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const LOCKED = "cannot be changed because it is locked by an ancestor";

/**
 * Apply `changes` to a namespace's stored settings as GitLab's model does, or say why not (full messages).
 * Forwarding: a value equal to what an ancestor sets is stored as unset (it keeps inheriting); neither the
 * value nor its lock may change while an ancestor or the instance locks it; locking a value that is unset
 * copies the value in force, so a later change above does not move it.
 */
export function applyChanges(
  chain: PackageSettings[],
  instance: InstanceForwarding,
  changes: NamespacePackageSettings,
): { ok: true; stored: NamespacePackageSettings; locked: ForwardingFormat[] } | { ok: false; errors: string[] } {
  const current = chain.at(-1) ?? DEFAULT_PACKAGE_SETTINGS;
  const next: PackageSettings = { ...current };
  const errors: string[] = [];
  const locked: ForwardingFormat[] = [];
  for (const [key, value] of Object.entries(changes) as [keyof PackageSettings, unknown][]) {
    if (value === undefined) continue;
    (next as Record<string, unknown>)[key] = value;
  }
  for (const format of FORWARDING_FORMATS) {
    const field = forwardingField(format);
    const lock = lockField(format);
    const inForce = cascadedForwarding(format, chain, instance);
    if (changes[field] !== undefined) {
      // Equal to what it would inherit: stored as unset, so it keeps following its ancestors.
      if (changes[field] === ancestorValue(format, chain)) next[field] = null;
      if (next[field] !== current[field] && inForce.locked) errors.push(`${humanize(field)} ${LOCKED}`);
    }
    if (changes[lock] !== undefined && next[lock] !== current[lock]) {
      if (inForce.locked) errors.push(`${humanize(lock)} ${LOCKED}`);
      if (next[lock] && next[field] === null) next[field] = inForce.value;
      if (next[lock]) locked.push(format);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, stored: next, locked };
}
