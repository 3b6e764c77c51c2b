// What the round-trip tests of each format share: a private project in a public group, a developer of the
// project, and the round trips of an authenticated read (test/support/counting-d1.ts).
import { expect } from "vitest";
import { fetchCounted } from "./counting-d1";
import { addMember, createGroup, createProject, createUser, unique } from "./api";

export async function privateProject(prefix = "rt") {
  const group = await createGroup(unique(prefix).toLowerCase());
  const project = await createProject(group.id, { visibility: "private" });
  const developer = await createUser();
  await addMember("projects", project.id, developer.id, 30);
  return { group, project, developer };
}

/** The round trips of one read, which must answer `status` (the body is returned for checks). */
export async function roundTrips(path: string, headers: Record<string, string> = {}, status = 200, method = "GET") {
  const res = await fetchCounted(path, { headers, method });
  expect(res.status, `${path}: ${res.body.slice(0, 300)}`).toBe(status);
  return { trips: res.roundTrips.total, body: res.body, response: res.response };
}
