-- D1 runs a migration in one transaction, where foreign_keys cannot be switched off; deferring the checks to the commit lets the table be rebuilt.
PRAGMA defer_foreign_keys = on;--> statement-breakpoint
CREATE TABLE `__new_package_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`package_id` integer NOT NULL,
	`blob_id` text NOT NULL,
	`file_name` text NOT NULL,
	`size` integer NOT NULL,
	`md5` text,
	`sha1` text,
	`sha256` text NOT NULL,
	`sha512` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`pipeline_id` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`package_id`) REFERENCES `packages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`blob_id`) REFERENCES `blobs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_package_files`("id", "package_id", "blob_id", "file_name", "size", "md5", "sha1", "sha256", "sha512", "metadata", "pipeline_id", "created_at") SELECT "id", "package_id", "blob_id", "file_name", "size", "md5", "sha1", "sha256", "sha512", "metadata", "pipeline_id", "created_at" FROM `package_files`;--> statement-breakpoint
DROP TABLE `package_files`;--> statement-breakpoint
ALTER TABLE `__new_package_files` RENAME TO `package_files`;--> statement-breakpoint
CREATE INDEX `package_files_package_name` ON `package_files` (`package_id`,`file_name`);--> statement-breakpoint
CREATE INDEX `package_files_sha256` ON `package_files` (`sha256`);--> statement-breakpoint
CREATE INDEX `package_files_blob` ON `package_files` (`blob_id`);