CREATE TABLE `package_file_tombstones` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`package_type` text NOT NULL,
	`normalized_name` text NOT NULL,
	`version` text NOT NULL,
	`file_key` text NOT NULL,
	`sha256` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `package_file_tombstones_identity` ON `package_file_tombstones` (`project_id`,`package_type`,`normalized_name`,`version`,`file_key`);--> statement-breakpoint
CREATE TABLE `packages_cleanup_policies` (
	`project_id` integer PRIMARY KEY NOT NULL,
	`keep_n_duplicated_package_files` text DEFAULT 'all' NOT NULL,
	`rules` text DEFAULT '[]' NOT NULL,
	`next_run_at` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `packages_cleanup_policies_next_run` ON `packages_cleanup_policies` (`next_run_at`);--> statement-breakpoint
CREATE TABLE `storage_quota_guard` (
	`project_id` integer NOT NULL,
	CONSTRAINT "storage_quota_exceeded" CHECK("storage_quota_guard"."project_id" IS NULL)
);
--> statement-breakpoint
CREATE TABLE `storage_settings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer,
	`namespace_id` integer,
	`packages_size_limit` integer,
	`immutable_versions` integer DEFAULT false NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`namespace_id`) REFERENCES `namespaces`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "storage_settings_owner" CHECK(("storage_settings"."project_id" IS NULL) <> ("storage_settings"."namespace_id" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `storage_settings_project` ON `storage_settings` (`project_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `storage_settings_namespace` ON `storage_settings` (`namespace_id`);