CREATE TABLE `application_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`npm_package_requests_forwarding` integer DEFAULT false NOT NULL,
	`lock_npm_package_requests_forwarding` integer DEFAULT false NOT NULL,
	`pypi_package_requests_forwarding` integer DEFAULT false NOT NULL,
	`lock_pypi_package_requests_forwarding` integer DEFAULT false NOT NULL,
	`maven_package_requests_forwarding` integer DEFAULT false NOT NULL,
	`lock_maven_package_requests_forwarding` integer DEFAULT false NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `cached_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`package_type` text NOT NULL,
	`normalized_name` text NOT NULL,
	`file_name` text NOT NULL,
	`blob_id` text NOT NULL,
	`size` integer NOT NULL,
	`md5` text NOT NULL,
	`sha1` text NOT NULL,
	`sha256` text NOT NULL,
	`sha512` text NOT NULL,
	`upstream_url` text NOT NULL,
	`fetched_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`blob_id`) REFERENCES `blobs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cached_files_identity` ON `cached_files` (`package_type`,`normalized_name`,`file_name`);--> statement-breakpoint
CREATE INDEX `cached_files_sha256` ON `cached_files` (`package_type`,`sha256`);--> statement-breakpoint
CREATE INDEX `cached_files_blob` ON `cached_files` (`blob_id`);--> statement-breakpoint
CREATE TABLE `package_name_reservations` (
	`project_id` integer NOT NULL,
	`package_type` text NOT NULL,
	`normalized_name` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `package_name_reservations_identity` ON `package_name_reservations` (`project_id`,`package_type`,`normalized_name`);--> statement-breakpoint
CREATE INDEX `package_name_reservations_name` ON `package_name_reservations` (`package_type`,`normalized_name`);--> statement-breakpoint
INSERT OR IGNORE INTO `package_name_reservations` (`project_id`, `package_type`, `normalized_name`) SELECT DISTINCT `project_id`, `package_type`, `normalized_name` FROM `packages` WHERE `package_type` IN ('npm', 'pypi', 'maven');