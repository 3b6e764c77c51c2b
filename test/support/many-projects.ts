// A group holding many projects: group and instance reads must work for thousands of projects (D1 binds at
// most 100 parameters per statement). The group comes through the management API; its projects are
// written in one statement straight into D1 (a test-only seed: creating 1,000 projects through the API
// one request each takes longer than the reads under test), with the columns the API's createProject writes.
import { env } from "cloudflare:workers";
import { createGroup, unique } from "./api";

export interface SeededProject {
  id: number;
  path: string;
  path_with_namespace: string;
}

export async function createGroupWithProjects(count: number, visibility: "public" | "internal" | "private" = "public") {
  const group = (await createGroup(unique("many").toLowerCase(), { visibility })) as { id: number; path: string; full_path: string };
  const indexes = JSON.stringify(Array.from({ length: count }, (_, i) => i));
  await env.DB.prepare(
    `INSERT INTO projects (namespace_id, name, path, full_path, visibility)
     SELECT ?1, 'p' || value, 'p' || value, ?2 || '/p' || value, ?3 FROM json_each(?4)`,
  )
    .bind(group.id, group.full_path, visibility, indexes)
    .run();
  const rows = await env.DB.prepare("SELECT id, path, full_path FROM projects WHERE namespace_id = ?1 ORDER BY id").bind(group.id).all<{ id: number; path: string; full_path: string }>();
  const projects: SeededProject[] = rows.results.map((r) => ({ id: r.id, path: r.path, path_with_namespace: r.full_path }));
  return { group, projects };
}
