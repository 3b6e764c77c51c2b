// The manifest of a stored package: the root `.nuspec` read out of the archive in R2 (ranged reads, never the
// whole package) and parsed; archive and manifest problems become the client's 400 with GitLab's wording.
import { AppError } from "../../core/errors";
import { listEntries, nuspecEntry, readEntry, type StoredArchive } from "./archive";
import { MAX_NUSPEC_BYTES, NuspecError, parseNuspec, type NuspecMetadata } from "./nuspec";
import { ZipError, type ZipEntry } from "./zip";

interface StoredFile {
  blobId: string;
  size: number;
}

const archiveOf = (bucket: R2Bucket, file: StoredFile): StoredArchive => ({ bucket, blobId: file.blobId, size: file.size });

/** Run an archive read, turning what the client sent wrong into a 400. */
export async function asClientError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ZipError || error instanceof NuspecError) throw new AppError("bad_request", `400 Bad request - ${error.message}`);
    throw error;
  }
}

/** The package's entries and its manifest's bytes. */
async function manifestOf(bucket: R2Bucket, file: StoredFile): Promise<{ entries: ZipEntry[]; bytes: Uint8Array }> {
  if (file.size === 0) throw new ZipError("the package file is empty");
  const archive = archiveOf(bucket, file);
  const entries = await listEntries(archive);
  const entry = nuspecEntry(entries);
  if (!entry) throw new ZipError("nuspec file not found");
  return { entries, bytes: await readEntry(archive, entry, MAX_NUSPEC_BYTES) };
}

/** The parsed manifest of an upload, and the archive's entries (symbol packages read their .pdb files next). */
export function readManifest(bucket: R2Bucket, file: StoredFile): Promise<{ meta: NuspecMetadata; entries: ZipEntry[] }> {
  return asClientError(async () => {
    const { entries, bytes } = await manifestOf(bucket, file);
    return { meta: parseNuspec(new TextDecoder().decode(bytes)), entries };
  });
}

/** The manifest's bytes as stored in the package (the flat container's `.nuspec`). */
export async function readManifestBytes(bucket: R2Bucket, file: StoredFile): Promise<Uint8Array> {
  return asClientError(async () => (await manifestOf(bucket, file)).bytes);
}
