// Types of parse.mjs for the TypeScript tests (test/import/parse.test.ts).
export type Format = "npm" | "pypi" | "maven" | "generic";
export type Source =
  | { kind: "gitlab"; base: string; level: "project" | "group"; ref: string; basic?: { user: string; password: string } }
  | { kind: "npm" | "pypi" | "maven"; url: string; basic?: { user: string; password: string } }
  | { kind: "dir" | "verdaccio"; path: string };
export interface Options {
  help?: boolean;
  source: Source;
  to: string;
  toUrl: string;
  toToken?: string;
  fromToken?: string;
  fromUser: string;
  formats: Format[];
  packages?: string[];
  artifacts?: string[];
  concurrency: number;
  rate: number;
  retries: number;
  dryRun: boolean;
  report?: string;
  quiet: boolean;
}
export interface Digests {
  sha256?: string;
  sha1?: string;
  md5?: string;
  sha512?: string;
}
export interface SimpleFile {
  fileName: string;
  url: string;
  sha256?: string;
  requiresPython?: string;
  yanked: boolean;
}
export interface Result {
  format: string;
  name: string;
  version: string;
  fileName?: string;
  outcome: "imported" | "skipped" | "failed" | "planned";
  reason?: string;
}
export const FORMATS: Format[];
export const USAGE: string;
export function parseArgs(argv: string[]): Options;
export function parseSource(from: string): Source;
export function normalizePypiName(name: string): string;
export function pypiNameVersion(fileName: string): { name: string; version: string } | null;
export function decodeEntities(s: string): string;
export function htmlAnchors(html: string): { attrs: Record<string, string>; text: string }[];
export function parseSimpleHtml(html: string, pageUrl: string): SimpleFile[];
export function parseSimpleJson(doc: unknown, pageUrl: string): SimpleFile[];
export function parseSimpleRoot(body: unknown, isJson: boolean): string[];
export function parseMavenMetadata(xml: string): {
  groupId?: string;
  artifactId?: string;
  version?: string;
  versions: string[];
  snapshotVersions: { classifier: string; extension: string; value: string }[];
};
export function snapshotFileNames(artifactId: string, metadata: ReturnType<typeof parseMavenMetadata>): string[];
export function listingLinks(html: string): string[];
export function nextLink(header: string | null | undefined): string | null;
export function fileKey(format: string, name: string, version: string, fileName: string): string;
export function compareDigests(a: Digests, b: Digests): "same" | "different" | "unknown";
export function integrityToHex(integrity: string | undefined): string | undefined;
export function digestMismatches(declared: Digests, actual: Digests): string[];
export function formatReport(results: Result[], options?: { dryRun?: boolean }): { text: string; counts: Record<Result["outcome"], number> };
export function compareVersions(a: string, b: string): number;
