CREATE TABLE `group_package_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`namespace_id` integer NOT NULL,
	`package_type` text NOT NULL,
	`name` text NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`namespace_id`) REFERENCES `namespaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `group_package_records_name` ON `group_package_records` (`namespace_id`,`package_type`,`name`);