// Blob bookkeeping: every R2 object the registry writes has a row here before its bytes are written,
// so the scheduled cleanup can find failed uploads and unreferenced blobs without listing R2.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { projects, users } from "./accounts";

export const blobs = sqliteTable(
  "blobs",
  {
    /** Random id; the R2 object lives at blobs/<id>. */
    id: text("id").primaryKey(),
    /** Digests are null while the upload is in flight. */
    size: integer("size"),
    md5: text("md5"),
    sha1: text("sha1"),
    sha256: text("sha256"),
    sha512: text("sha512"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [index("blobs_sha256").on(t.sha256), index("blobs_created").on(t.createdAt)],
);

/** A resumable upload of one large file through R2 multipart (see src/core/chunked-uploads.ts). */
export const uploadSessions = sqliteTable("upload_sessions", {
  id: text("id").primaryKey(),
  projectId: integer("project_id").notNull().references(() => projects.id),
  /** Not a foreign key: the cleanup removes blobs of finished sessions on its own schedule. */
  blobId: text("blob_id").notNull(),
  r2UploadId: text("r2_upload_id").notNull(),
  partSize: integer("part_size").notNull(),
  totalSize: integer("total_size").notNull(),
  expectedSha256: text("expected_sha256").notNull(),
  /** Uploaded parts: [{ partNumber, etag, size }]. */
  parts: text("parts", { mode: "json" }).$type<{ partNumber: number; etag: string; size: number }[]>().notNull().default([]),
  state: text("state", { enum: ["open", "completed", "aborted"] }).notNull().default("open"),
  /** What the finished file becomes, as the format that started the upload described it. */
  target: text("target", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
  creatorId: integer("creator_id").references(() => users.id),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
});
