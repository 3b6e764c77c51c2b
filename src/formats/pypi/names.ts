// PyPI names, versions and distribution file names (pure): PEP 503 normalisation, GitLab's PEP 440
// version check, and whether a wheel/sdist file name belongs to the declared name and version.
import { badRequest } from "../../core/errors";

/** PEP 503: runs of `-`, `_`, `.` become one `-`, lower case. https://peps.python.org/pep-0503/#normalized-names */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** A valid distribution name (core metadata `Name`, PEP 508). https://packaging.python.org/en/latest/specifications/name-normalization/ */
export function isValidName(name: string): boolean {
  return name.length <= 255 && /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i.test(name);
}

/**
 * GitLab's `Gitlab::Regex.pypi_version_regex` (packaging 16.7's PEP 440 pattern with an optional leading v).
 * Groups: 1 epoch, 2 release, 4 pre label, 6 pre number, 8 implicit post number, 9 post label,
 * 10 post number, 12 `dev`, 13 dev number, 14 local. https://peps.python.org/pep-0440/
 */
const PEP440 =
  /^v?(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*)([-_.]?((a|b|c|rc|alpha|beta|pre|preview))[-_.]?([0-9]+)?)?((?:-([0-9]+))|(?:[-_.]?(post|rev|r)[-_.]?([0-9]+)?))?([-_.]?(dev)[-_.]?([0-9]+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/i;

export function isValidVersion(version: string): boolean {
  return version.length <= 255 && PEP440.test(version);
}

const PRE_LABELS: Record<string, string> = { a: "a", alpha: "a", b: "b", beta: "b", c: "rc", rc: "rc", pre: "rc", preview: "rc" };

/**
 * The PEP 440 normal form, with trailing `.0` release parts dropped so `1.0` and `1.0.0` compare equal
 * (https://peps.python.org/pep-0440/#normalization). Null when the version is not PEP 440.
 */
export function canonicalVersion(version: string): string | null {
  const m = PEP440.exec(version.trim());
  if (!m) return null;
  const num = (s: string | undefined) => String(Number(s ?? "0"));
  let out = m[1] && Number(m[1]) !== 0 ? `${num(m[1])}!` : "";
  const release = (m[2] ?? "").split(".").map(num); // the release group always matches
  while (release.length > 1 && release[release.length - 1] === "0") release.pop();
  out += release.join(".");
  if (m[4]) out += PRE_LABELS[m[4].toLowerCase()] + num(m[6]);
  if (m[8] !== undefined) out += `.post${num(m[8])}`;
  else if (m[9]) out += `.post${num(m[10])}`;
  if (m[12]) out += `.dev${num(m[13])}`;
  if (m[14]) out += `+${m[14].toLowerCase().replace(/[-_]/g, ".")}`;
  return out;
}

export type DistributionKind = "wheel" | "sdist" | "egg";

export interface DistributionFile {
  kind: DistributionKind;
  /** Python tag of a wheel (`py3`), `source` for an sdist. */
  pythonVersion: string;
}

/**
 * Characters a stored file name may not hold: C0 and C1 controls (NUL, CR, LF, TAB, …), DEL, and path
 * separators. Such a name breaks its download (a `Content-Disposition` header cannot carry CR/LF/NUL,
 * a `/` splits the URL), so it is refused at upload instead of being stored.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the pattern exists to refuse control characters
const UNSAFE_FILE_NAME_CHARACTER = /[\u0000-\u001f\u007f-\u009f/\\]/;

/** A distribution file name must be 1–255 characters, none of them a control character or a path separator. */
export function checkFileNameCharacters(fileName: string) {
  if (fileName.length === 0 || fileName.length > 255 || UNSAFE_FILE_NAME_CHARACTER.test(fileName)) {
    throw badRequest(`Invalid file name ${JSON.stringify(fileName)}`);
  }
}

const SDIST_EXTENSIONS = [".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar.xz"];

/**
 * Check that a distribution file name names this package and version, and say what it is.
 * Wheels: `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl` (https://packaging.python.org/en/latest/specifications/binary-distribution-format/);
 * sdists: `{name}-{version}.tar.gz` (legacy names may keep hyphens, so every split point is tried);
 * eggs: `{name}-{version}(-pyX.Y(-platform)?)?.egg`.
 * A name that does not fit is a 400.
 */
export function checkDistributionFileName(fileName: string, name: string, version: string): DistributionFile {
  checkFileNameCharacters(fileName);
  const wantName = normalizeName(name);
  const wantVersion = canonicalVersion(version);
  const matches = (n: string, v: string) => normalizeName(n) === wantName && canonicalVersion(v) !== null && canonicalVersion(v) === wantVersion;
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".whl")) {
    const parts = fileName.slice(0, -4).split("-");
    const [distName = "", distVersion = ""] = parts;
    const pythonTag = parts.at(-3);
    if ((parts.length === 5 || parts.length === 6) && pythonTag !== undefined && matches(distName, distVersion.replace(/_/g, "-"))) {
      return { kind: "wheel", pythonVersion: pythonTag };
    }
    throw badRequest(`File name ${fileName} is not a wheel of ${name} ${version}`);
  }
  const sdistExtension = SDIST_EXTENSIONS.find((ext) => lower.endsWith(ext));
  if (sdistExtension) {
    const stem = fileName.slice(0, -sdistExtension.length);
    for (let i = stem.indexOf("-"); i > 0; i = stem.indexOf("-", i + 1)) {
      if (matches(stem.slice(0, i), stem.slice(i + 1))) return { kind: "sdist", pythonVersion: "source" };
    }
    throw badRequest(`File name ${fileName} is not a source distribution of ${name} ${version}`);
  }
  if (lower.endsWith(".egg")) {
    const [distName, distVersion, pythonTag = ""] = fileName.slice(0, -4).split("-");
    if (distName !== undefined && distVersion !== undefined && matches(distName, distVersion.replace(/_/g, "-"))) return { kind: "egg", pythonVersion: pythonTag };
    throw badRequest(`File name ${fileName} is not an egg of ${name} ${version}`);
  }
  throw badRequest(`Unsupported file type: ${fileName} (expected a wheel, a source distribution or an egg)`);
}
