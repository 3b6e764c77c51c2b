// A group holding many projects, created through the management API in parallel batches: group and
// instance reads must work for thousands of projects (D1 binds at most 100 parameters per statement).
import { createGroup, createProject } from "./api";

export async function createGroupWithProjects(count: number, visibility: "public" | "internal" | "private" = "public") {
  const group = await createGroup(undefined, { visibility });
  const projects: { id: number; path: string; path_with_namespace: string }[] = [];
  const BATCH = 25;
  for (let start = 0; start < count; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - start) }, () => createProject(group.id, { visibility }));
    projects.push(...(await Promise.all(batch)));
  }
  return { group, projects };
}
