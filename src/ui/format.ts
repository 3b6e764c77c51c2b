// Small formatters for pages: sizes, dates, type names.
import { formatOf } from "../formats";

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

/** The display name of a package type: the format's own, or the raw type for one no format serves. */
export function typeName(packageType: string): string {
  return formatOf(packageType)?.displayName ?? packageType;
}
