// Small pure formatters for pages: sizes, dates, type names.

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** UTC, minute precision: the same text for every viewer, so shared URLs read the same. */
export function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

const TYPE_NAMES: Record<string, string> = {
  npm: "npm",
  pypi: "PyPI",
  maven: "Maven",
  generic: "Generic",
  nuget: "NuGet",
  helm: "Helm",
  composer: "Composer",
  conan: "Conan",
  rubygems: "RubyGems",
  terraform_module: "Terraform module",
  debian: "Debian",
  golang: "Go",
  cargo: "Cargo",
};

export function typeName(packageType: string): string {
  return TYPE_NAMES[packageType] ?? packageType;
}
