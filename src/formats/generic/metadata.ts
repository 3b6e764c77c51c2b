// Pure JSON shapes of Generic answers: GitLab's package-file record (`?select=package_file`) and the
// chunked-upload session document.
// Spec: GitLab doc/user/packages/generic_packages (index.md "Example response with attribute select").
import type { UploadSession } from "../../core/chunked-uploads";
import { missingParts, partCount } from "../../core/chunked-uploads";

export interface PackageFileRecord {
  id: number;
  packageId: number;
  projectId: number;
  createdAt: Date;
  fileName: string;
  size: number;
  /** Null: Generic files keep sha256 only, as in GitLab's example response. */
  md5: string | null;
  sha1: string | null;
  sha256: string;
  status: string;
  downloadPath: string;
}

/** The package_file object GitLab presents after an upload with `select=package_file`. */
export function packageFileJson(file: PackageFileRecord) {
  const created = file.createdAt.toISOString();
  return {
    id: file.id,
    package_id: file.packageId,
    created_at: created,
    updated_at: created,
    size: file.size,
    file_store: 1,
    file_md5: file.md5,
    file_sha1: file.sha1,
    file_name: file.fileName,
    file: { url: file.downloadPath },
    file_sha256: file.sha256,
    verification_retry_at: null,
    verified_at: null,
    verification_failure: null,
    verification_retry_count: null,
    verification_checksum: null,
    verification_state: 0,
    verification_started_at: null,
    status: file.status,
    file_final_path: null,
    project_id: file.projectId,
    new_file_path: null,
  };
}

/** A chunked upload as its client sees it: what to send next and where. */
export function uploadSessionJson(session: UploadSession, uploadPath: string, graceSeconds: number) {
  return {
    id: session.id,
    state: session.state,
    size: session.totalSize,
    sha256: session.expectedSha256,
    part_size: session.partSize,
    part_count: partCount(session),
    parts: [...session.parts].sort((a, b) => a.partNumber - b.partNumber).map((p) => ({ part_number: p.partNumber, size: p.size, etag: p.etag })),
    missing_parts: session.state === "open" ? missingParts(session) : [],
    created_at: session.createdAt.toISOString(),
    expires_at: new Date(session.createdAt.getTime() + graceSeconds * 1000).toISOString(),
    upload_url: uploadPath,
    part_url_template: `${uploadPath}/parts/{part_number}`,
    complete_url: `${uploadPath}/complete`,
  };
}
