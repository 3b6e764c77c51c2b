// The manifest of a stored package: the root `.nuspec` read out of the archive in storage (ranged reads through
// the registry, never the whole package) and parsed, as GitLab's extraction reads it from its stored file;
// archive and manifest problems become the client's 400 with GitLab's wording.
import { readCentralDirectory, readEntry, ZipFormatError, type RangedSource, type ZipEntry } from "../../core/archive";
import { AppError } from "../../core/errors";
import type { Registry } from "../../core/registry";
import { MAX_NUSPEC_BYTES, NuspecError, parseNuspec, type NuspecMetadata } from "./nuspec";

interface StoredFile {
  blobId: string;
  size: number;
}

/** The stored package by range. */
export const archiveOf = (registry: Registry, file: StoredFile): RangedSource => registry.blobSource({ id: file.blobId, size: file.size });

/** Run an archive read, turning what the client sent wrong into a 400. */
export async function asClientError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ZipFormatError || error instanceof NuspecError) throw new AppError("bad_request", `400 Bad request - ${error.message}`);
    throw error;
  }
}

/** The manifest: the one `.nuspec` at the archive's root (GitLab: `zip_file.glob('*.nuspec').first`). */
export function nuspecEntry(entries: ZipEntry[]): ZipEntry | undefined {
  return entries.find((e) => !e.name.includes("/") && e.name.toLowerCase().endsWith(".nuspec"));
}

/** The package's entries and its manifest's bytes. */
async function manifestOf(registry: Registry, file: StoredFile): Promise<{ entries: ZipEntry[]; bytes: Uint8Array }> {
  if (file.size === 0) throw new ZipFormatError("not_zip", "the package file is empty");
  const archive = archiveOf(registry, file);
  const entries = await readCentralDirectory(archive);
  const entry = nuspecEntry(entries);
  if (!entry) throw new ZipFormatError("malformed", "nuspec file not found");
  return { entries, bytes: await readEntry(archive, entry, MAX_NUSPEC_BYTES) };
}

/** The parsed manifest of an upload, and the archive's entries (symbol packages read their .pdb files next). */
export function readManifest(registry: Registry, file: StoredFile): Promise<{ meta: NuspecMetadata; entries: ZipEntry[] }> {
  return asClientError(async () => {
    const { entries, bytes } = await manifestOf(registry, file);
    return { meta: parseNuspec(new TextDecoder().decode(bytes)), entries };
  });
}

/** The manifest's bytes as stored in the package (the flat container's `.nuspec`). */
export async function readManifestBytes(registry: Registry, file: StoredFile): Promise<Uint8Array> {
  return asClientError(async () => (await manifestOf(registry, file)).bytes);
}
