// Composer's rule for where an archive's composer.json is (pure, over the shared zip reader's entries).
// Spec: Composer\Util\Zip::locateFile (composer/composer src/Composer/Util/Zip.php).
import { ZipFormatError, type ZipEntry } from "../../core/archive";

/**
 * Composer's rule for the composer.json of an archive (Composer\Util\Zip::locateFile): the one at the
 * top level, else the one inside the single top-level directory (macOS `__MACOSX` folders ignored).
 */
export function locateFile(entries: ZipEntry[], fileName: string): ZipEntry {
  const isFile = (e: ZipEntry | undefined) => e !== undefined && !e.name.endsWith("/");
  const root = entries.find((e) => e.name === fileName);
  if (isFile(root)) return root!;
  const topLevel = new Set<string>();
  for (const e of entries) {
    if (e.name.includes("__MACOSX")) continue;
    const slash = e.name.replace(/\/$/, "").indexOf("/");
    topLevel.add(slash < 0 ? e.name : `${e.name.slice(0, slash)}/`);
    if (topLevel.size > 1) {
      throw new ZipFormatError("malformed", `the archive has no ${fileName} at the top level and more than one top-level path (${[...topLevel].slice(0, 5).join(", ")})`);
    }
  }
  const [dir] = [...topLevel];
  const nested = dir?.endsWith("/") ? entries.find((e) => e.name === `${dir}${fileName}`) : undefined;
  if (isFile(nested)) return nested!;
  throw new ZipFormatError("malformed", `no ${fileName} at the top level of the archive or inside its one top-level directory`);
}
