-- The instance administrator. The ADMIN_TOKEN secret authenticates as this user.
INSERT INTO users (id, username, name, is_admin, state) VALUES (1, 'root', 'Administrator', 1, 'active');
--> statement-breakpoint
INSERT INTO namespaces (id, kind, name, path, full_path, traversal_ids, owner_id, visibility) VALUES (1, 'user', 'Administrator', 'root', 'root', '1', 1, 'private');
