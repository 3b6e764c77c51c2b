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
CREATE INDEX `packages_cleanup_policies_next_run` ON `packages_cleanup_policies` (`next_run_at`);