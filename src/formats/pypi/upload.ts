// twine upload: `POST /projects/:id/packages/pypi`, one multipart body per distribution file. The
// `content` part streams into R2 while md5/sha256 (blob store) and BLAKE2b-256 (here) are computed;
// every declared digest is checked once the whole body is read, so field order does not matter.
// Spec: gitlab-spec.md §2, https://docs.pypi.org/api/upload/
import { Hono, type Context } from "hono";
import type { AppEnv } from "../../env";
import type { StoredBlob } from "../../core/blobs";
import { AppError, badRequest } from "../../core/errors";
import { projectAccess, projectOf } from "../../http/access";
import { boundaryOf, MultipartReader, readPartText, type MultipartPart } from "../../http/multipart";
import { declaredLength, maxUploadBytes } from "../../http/request-body";
import { Blake2b } from "./blake2b";
import { checkDistributionFileName, checkFileNameCharacters, isValidName, isValidVersion, normalizeName } from "./names";
import { declaredDigests, fileMetadata, UploadFields, versionMetadata } from "./metadata";

export const PACKAGE_TYPE = "pypi";
/** One text field (a long README as `description`) and all of them together. */
const FIELD_MAX_BYTES = 1024 * 1024;
const FIELDS_MAX_BYTES = 4 * 1024 * 1024;

interface StoredContent {
  blob: StoredBlob;
  fileName: string;
  blake2_256: string;
}

export const uploadRoutes = new Hono<AppEnv>();

// twine upload --repository-url http://HOST/api/v4/projects/<id>/packages/pypi dist/*
//   POST …/packages/pypi   Authorization: Basic __token__:<token>   multipart/form-data:
//     name, version, filetype, pyversion, metadata_version, summary, …, sha256_digest, md5_digest,
//     blake2_256_digest, :action=file_upload, protocol_version=1, content (the file)
//   ← 201 {"message":"201 Created"}; 400 for invalid input, a digest mismatch or a file already uploaded.
// Access is decided before a byte of the body is read.
uploadRoutes.post("/projects/:id/packages/pypi", projectAccess("create_package"), upload);
uploadRoutes.post("/projects/:id/packages/pypi/", projectAccess("create_package"), upload);

async function upload(c: Context<AppEnv>) {
  const registry = c.var.registry;
  const boundary = boundaryOf(c.req.header("content-type"));
  declaredLength(c); // a Content-Length over the limit is a 413 before any byte is read
  if (!c.req.raw.body) throw badRequest("content is missing");

  const fields = new UploadFields();
  let content: StoredContent | null = null;
  try {
    const reader = new MultipartReader(c.req.raw.body, boundary);
    let fieldBytes = 0;
    for (let part = await reader.next(); part; part = await reader.next()) {
      if (part.filename === null) {
        const value = await readPartText(part, FIELD_MAX_BYTES);
        fieldBytes += value.length;
        if (fieldBytes > FIELDS_MAX_BYTES) throw badRequest(`400 Bad request - form fields exceed ${FIELDS_MAX_BYTES} bytes`);
        fields.add(part.name, value);
      } else if (part.name === "content") {
        if (content) throw badRequest("400 Bad request - more than one content file");
        content = await storeContent(c, part, fields);
      }
      // Other file parts (gpg_signature) are skipped by the reader without being kept.
    }
    if (!content) throw badRequest("content is missing");
    const { name, version } = checkIdentity(fields, content.fileName);
    const dist = checkDistributionFileName(content.fileName, name, version);
    checkDigests(fields, content);
    const stored = content;
    content = null; // from here the commit owns the blob (a refused commit discards it)
    await registry.commit({ projectId: projectOf(c).project.id, packageType: PACKAGE_TYPE, name, normalizedName: normalizeName(name) }, [
      {
        kind: "publish",
        version,
        files: [{ blob: stored.blob, fileName: stored.fileName, metadata: fileMetadata(fields, dist) }],
        duplicates: { kind: "reject_file_name" },
        metadata: { name, ...versionMetadata(fields) },
      },
    ]);
  } catch (error) {
    if (content) await registry.discardBlob(content.blob);
    throw error;
  }
  return c.json({ message: "201 Created" }, 201);
}

/** Stream the file into the blob store, hashing BLAKE2b-256 on the way. Fields already seen are checked first. */
async function storeContent(c: Context<AppEnv>, part: MultipartPart, fields: UploadFields): Promise<StoredContent> {
  const fileName = part.filename ?? "";
  if (!fileName) throw badRequest("content has no file name");
  // Whatever the field order, a name that could never be downloaded again is refused before any byte is stored.
  checkFileNameCharacters(fileName);
  // twine sends the fields before the file: refuse a bad name or version before taking the bytes.
  if (fields.get("name") !== undefined && fields.get("version") !== undefined) {
    const { name, version } = checkIdentity(fields, fileName);
    checkDistributionFileName(fileName, name, version);
  }
  const known = declaredDigests(fields);
  const blake2 = new Blake2b(32);
  const tap = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      blake2.update(chunk);
      controller.enqueue(chunk);
    },
  });
  const blob = await c.var.registry.putBlob(part.body.pipeThrough(tap), {
    contentLength: null,
    maxBytes: maxUploadBytes(c),
    expected: { sha256: known.sha256, md5: known.md5 },
    contentType: "application/octet-stream",
    // GitLab keeps md5_digest and sha256_digest.
    digests: ["md5"],
  });
  return { blob, fileName, blake2_256: blake2.hex() };
}

function checkIdentity(fields: UploadFields, fileName: string): { name: string; version: string } {
  const name = fields.get("name")?.trim();
  const version = fields.get("version")?.trim();
  if (!name) throw badRequest("name is missing");
  if (!version) throw badRequest("version is missing");
  if (!isValidName(name)) throw badRequest(`Validation failed: Name ${JSON.stringify(name)} is not a valid package name`);
  if (!isValidVersion(version)) throw badRequest(`Validation failed: Version ${JSON.stringify(version)} is invalid (PEP 440)`);
  const action = fields.get(":action");
  if (action !== undefined && action !== "file_upload") throw badRequest(`Unsupported :action ${action} (only file_upload) for ${fileName}`);
  return { name, version };
}

/** Every digest the client declared must match the stored bytes, wherever the field stood in the body. */
function checkDigests(fields: UploadFields, content: StoredContent) {
  const declared = declaredDigests(fields);
  const actual = { sha256: content.blob.sha256, md5: content.blob.md5, blake2_256: content.blake2_256 };
  for (const key of ["sha256", "md5", "blake2_256"] as const) {
    const want = declared[key];
    if (want && want !== actual[key]) {
      throw new AppError("digest_mismatch", `${key}_digest mismatch: declared ${want}, received ${actual[key]}`);
    }
  }
}
