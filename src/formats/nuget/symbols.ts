// Symbol packages: the portable .pdb files inside a .snupkg (stub until the symbol server lands).
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { StoredBlob } from "../../core/blobs";
import type { NewFile } from "../../core/publish/types";
import type { ZipEntry } from "./zip";

export async function storePdbs(_c: Context<AppEnv>, _blob: StoredBlob, _entries: ZipEntry[]): Promise<(NewFile & { blob: StoredBlob })[]> {
  return [];
}

import type { ReadScope } from "../../core/registry";
import { AppError } from "../../core/errors";
import type { NugetEndpoint } from "./paths";

export async function getSymbolFile(_c: Context<AppEnv>, _scope: ReadScope, _e: Extract<NugetEndpoint, { kind: "symbol_file" }>): Promise<Response> {
  throw new AppError("not_found", "404 Symbol file Not Found");
}
