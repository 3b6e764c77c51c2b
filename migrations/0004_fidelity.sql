CREATE TABLE `package_protection_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`package_type` text NOT NULL,
	`package_name_pattern` text NOT NULL,
	`minimum_access_level_for_push` integer,
	`minimum_access_level_for_delete` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `package_protection_rules_identity` ON `package_protection_rules` (`project_id`,`package_type`,`package_name_pattern`);--> statement-breakpoint
ALTER TABLE `users` ADD `user_type` text DEFAULT 'human' NOT NULL;--> statement-breakpoint
ALTER TABLE `personal_access_tokens` ADD `description` text;--> statement-breakpoint
ALTER TABLE `package_files` ADD `pipeline_id` integer;--> statement-breakpoint
ALTER TABLE `package_tags` ADD `created_at` integer;--> statement-breakpoint
ALTER TABLE `packages` ADD `last_downloaded_at` integer;--> statement-breakpoint
UPDATE `package_tags` SET `created_at` = `updated_at` WHERE `created_at` IS NULL;