// A group's own distributions (GitLab's debian_group_distributions.md): kept as the group's records of type
// debian (src/core/group-records.ts), one per codename, each with its own signing key. The group repository of
// a codename lists the packages of that codename from the group's public projects and is signed with the group's key.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { AppError } from "../../core/errors";
import type { GroupRecordRow, NamespaceRow } from "../../core/registry";
import { validCodename } from "./control";
import type { DistributionStore } from "./distributions";
import { DEBIAN, type Distribution, type DistributionFields, type DistributionMetadata } from "./distribution";

/** A stored record as a distribution; fields a merge patch removed (set to null) read back as null. */
export function distributionOfRecord(row: GroupRecordRow): Distribution {
  const meta = row.metadata as unknown as Partial<DistributionMetadata>;
  const d = (meta.distribution ?? {}) as Partial<DistributionFields>;
  const distribution: DistributionFields = {
    codename: row.name,
    suite: d.suite ?? null,
    origin: d.origin ?? null,
    label: d.label ?? null,
    version: d.version ?? null,
    description: d.description ?? null,
    valid_time_duration_seconds: d.valid_time_duration_seconds ?? null,
    components: d.components ?? ["main"],
    architectures: d.architectures ?? ["all", "amd64"],
  };
  return { id: row.id, projectId: null, distribution, ...(meta.signing_key ? { signing_key: meta.signing_key } : {}) };
}

export function groupStore(c: Context<AppEnv>, group: Pick<NamespaceRow, "id">): DistributionStore {
  const records = c.var.registry.groupRecords(group, DEBIAN);
  return {
    list: async () => (await records.list()).map(distributionOfRecord),
    get: async (codename) => {
      if (!validCodename(codename)) return null;
      const row = await records.get(codename);
      return row ? distributionOfRecord(row) : null;
    },
    async create(metadata) {
      const row = await records.create(metadata.distribution.codename, metadata as unknown as Record<string, unknown>);
      if (!row) throw new AppError("bad_request", "400 Bad request - Codename has already been taken");
    },
    async update(codename, fields) {
      if (!(await records.update(codename, { distribution: fields }))) throw new AppError("not_found", "404 Distribution Not Found");
    },
    async remove(codename) {
      if (!(await records.remove(codename))) throw new AppError("not_found", "404 Distribution Not Found");
    },
  };
}

/** The group's distribution of a codename and a token that changes whenever it does (for the index cache key). */
export async function groupDistribution(c: Context<AppEnv>, group: Pick<NamespaceRow, "id">, codename: string): Promise<{ distribution: Distribution | null; revision: string }> {
  const row = await c.var.registry.groupRecords(group, DEBIAN).get(codename);
  return row ? { distribution: distributionOfRecord(row), revision: `g${row.id}r${row.revision}` } : { distribution: null, revision: "none" };
}
