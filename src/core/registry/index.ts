// The registry context and the read scopes it resolves: what formats, the management API and the pages build on.
export { Registry, authorOf, type Caller, type PackageReads, type ProjectSet, type ReadPlan, type VersionFilter } from "./registry";
export { missIn, type ReadScope, type ScopeLevel } from "./read-scope";
export type { NamespaceRow, ProjectContext } from "../tenancy";
export type { GroupRecordRow, GroupRecords } from "../group-records";
export type { FileAndPackage, FileWithPackage, PackageName, PackageWithFiles, PackageFileRow, PackageStatus, TagRow } from "../packages";
export { DOWNLOADABLE_STATUSES, INSTALLABLE_STATUSES } from "../packages";
export { newestFile, newestPerVersion } from "../packages";
export { accessRecordUrl, accessTtl, purgeAccessRecords, readAccessRecord, writeAccessRecord } from "./edge-access";
