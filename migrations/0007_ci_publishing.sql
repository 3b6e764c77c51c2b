-- D1 runs a migration in one transaction, where foreign_keys cannot be switched off; deferring the checks to the commit lets job_tokens be rebuilt (user_id becomes nullable: tokens of the OIDC exchange have no user).
PRAGMA defer_foreign_keys = on;--> statement-breakpoint
CREATE TABLE `job_token_scope_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_project_id` integer NOT NULL,
	`target_project_id` integer,
	`target_namespace_id` integer,
	`creator_id` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`source_project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_namespace_id`) REFERENCES `namespaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`creator_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `job_token_scope_links_project` ON `job_token_scope_links` (`source_project_id`,`target_project_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `job_token_scope_links_namespace` ON `job_token_scope_links` (`source_project_id`,`target_namespace_id`);--> statement-breakpoint
CREATE INDEX `job_token_scope_links_target_project` ON `job_token_scope_links` (`target_project_id`);--> statement-breakpoint
CREATE INDEX `job_token_scope_links_target_namespace` ON `job_token_scope_links` (`target_namespace_id`);--> statement-breakpoint
CREATE TABLE `oidc_exchanges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`issuer` text DEFAULT '' NOT NULL,
	`subject` text DEFAULT '' NOT NULL,
	`jti` text,
	`claims` text DEFAULT '{}' NOT NULL,
	`outcome` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`project_id` integer,
	`publisher_id` integer,
	`job_token_id` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `oidc_exchanges_project` ON `oidc_exchanges` (`project_id`,`id`);--> statement-breakpoint
CREATE TABLE `oidc_used_tokens` (
	`issuer` text NOT NULL,
	`jti` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `oidc_used_tokens_jti` ON `oidc_used_tokens` (`issuer`,`jti`);--> statement-breakpoint
CREATE INDEX `oidc_used_tokens_expiry` ON `oidc_used_tokens` (`expires_at`);--> statement-breakpoint
CREATE TABLE `trusted_publishers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`provider` text NOT NULL,
	`issuer` text NOT NULL,
	`jwks_url` text,
	`repository` text NOT NULL,
	`workflow` text,
	`ref` text,
	`environment` text,
	`claims` text DEFAULT '{}' NOT NULL,
	`package_types` text DEFAULT '[]' NOT NULL,
	`name_patterns` text DEFAULT '[]' NOT NULL,
	`creator_id` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`creator_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `trusted_publishers_project` ON `trusted_publishers` (`project_id`);--> statement-breakpoint
CREATE INDEX `trusted_publishers_issuer` ON `trusted_publishers` (`issuer`);--> statement-breakpoint
CREATE TABLE `__new_job_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`user_id` integer,
	`token_digest` text NOT NULL,
	`pipeline_id` integer NOT NULL,
	`ref` text DEFAULT '' NOT NULL,
	`sha` text DEFAULT '' NOT NULL,
	`trusted_publisher_id` integer,
	`package_types` text,
	`name_patterns` text,
	`pipeline_url` text,
	`workflow` text,
	`identity` text,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_job_tokens`("id", "project_id", "user_id", "token_digest", "pipeline_id", "ref", "sha", "expires_at", "created_at") SELECT "id", "project_id", "user_id", "token_digest", "pipeline_id", "ref", "sha", "expires_at", "created_at" FROM `job_tokens`;--> statement-breakpoint
DROP TABLE `job_tokens`;--> statement-breakpoint
ALTER TABLE `__new_job_tokens` RENAME TO `job_tokens`;--> statement-breakpoint
CREATE UNIQUE INDEX `job_tokens_digest` ON `job_tokens` (`token_digest`);--> statement-breakpoint
ALTER TABLE `projects` ADD `ci_job_token_scope_enabled` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `package_build_infos` ADD `pipeline_url` text;--> statement-breakpoint
ALTER TABLE `package_build_infos` ADD `workflow` text;--> statement-breakpoint
ALTER TABLE `package_build_infos` ADD `identity` text;