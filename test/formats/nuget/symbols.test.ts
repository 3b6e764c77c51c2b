// Symbol packages in workerd: a .snupkg pushed after its .nupkg, its portable .pdb served by SSQP key with the
// debugger's Symbolchecksum header, and nothing served once the version is deleted.
import { beforeAll, describe, expect, it } from "vitest";
import { addMember, call, createGroup, createProject, createUser } from "../../support/api";
import { concat, makeZip } from "../../support/zip-writer";
import { apiKey, basicAuth, buildNupkg, hexOf, nuspec, push } from "./support";

let maintainer: { id: number; token: string };
let project: { id: number };

beforeAll(async () => {
  maintainer = await createUser();
  const group = await createGroup(undefined, { visibility: "private" });
  project = await createProject(group.id, { visibility: "private" });
  await addMember("projects", project.id, maintainer.id, 40);
});

/** A portable-PDB-shaped file: stream headers ending in `#Blob`, then the 20-byte PDB id, then a body. */
function fakePdb(id: Uint8Array, bodyBytes = 40_000): Uint8Array {
  const enc = new TextEncoder();
  const head = enc.encode("BSJB\x01\x00\x01\x00\x00\x00\x00\x00\x0c\x00\x00\x00PDB v1.0\x00\x00\x00\x00\x00\x00\x06\x00#Pdb\x00\x00\x00\x00#~\x00\x00#Strings\x00\x00\x00\x00#US\x00#GUID\x00\x00\x00#Blob\x00\x00\x00");
  const body = new Uint8Array(bodyBytes).map((_, i) => (i * 7) % 251);
  return concat([head, id, body]);
}

function expectedSignature(id: Uint8Array): string {
  const b = [...id.subarray(0, 16)].map((x) => x.toString(16).padStart(2, "0"));
  return `${[...b.slice(0, 4).reverse(), ...b.slice(4, 6).reverse(), ...b.slice(6, 8).reverse(), ...b.slice(8)].join("")}FFFFFFFF`;
}

async function debuggerChecksum(pdb: Uint8Array, id: Uint8Array): Promise<string> {
  const copy = pdb.slice();
  const at = copy.findIndex((_, i) => id.every((b, j) => copy[i + j] === b));
  copy.fill(0, at, at + 20);
  return hexOf(await crypto.subtle.digest("SHA-256", copy));
}

describe("symbol packages", () => {
  it("stores the .pdb of a .snupkg and serves it by signature with the matching Symbolchecksum", async () => {
    const id = crypto.getRandomValues(new Uint8Array(20));
    const pdb = fakePdb(id);
    expect((await push(project.id, await buildNupkg({ id: "Sym.Pkg", version: "1.0.0" }), apiKey(maintainer.token))).status).toBe(201);
    const snupkg = await makeZip([
      { name: "Sym.Pkg.nuspec", data: nuspec({ id: "Sym.Pkg", version: "1.0.0", extra: '<packageTypes><packageType name="SymbolsPackage"/></packageTypes>' }) },
      { name: "lib/net8.0/Sym.Pkg.pdb", data: pdb },
    ]);
    const pushed = await push(project.id, snupkg, apiKey(maintainer.token), { path: "/symbolpackage", bareLf: false });
    expect(pushed.status, await pushed.clone().text()).toBe(201);

    const signature = expectedSignature(id);
    const url = `/api/v4/projects/${project.id}/packages/nuget/symbolfiles/sym.pkg.pdb/${signature}/sym.pkg.pdb`;
    const checksum = await debuggerChecksum(pdb, id);
    const res = await call(url, { headers: { ...basicAuth(maintainer.token), Symbolchecksum: `SHA256:${checksum}` } });
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(pdb);
    expect((await call(url.replace(signature, signature.toLowerCase()), { headers: { ...basicAuth(maintainer.token), Symbolchecksum: `SHA256:${checksum.toUpperCase()}` } })).status).toBe(200);

    expect((await call(url, { headers: basicAuth(maintainer.token) })).status).toBe(400);
    expect((await call(url, { headers: { ...basicAuth(maintainer.token), Symbolchecksum: `SHA256:${"0".repeat(64)}` } })).status).toBe(404);
    expect((await call(url, { headers: { Symbolchecksum: `SHA256:${checksum}` } })).status).toBe(401);

    const snupkgDownload = await call(`/api/v4/projects/${project.id}/packages/nuget/download/sym.pkg/1.0.0/sym.pkg.1.0.0.snupkg`, { headers: basicAuth(maintainer.token) });
    expect(new Uint8Array(await snupkgDownload.arrayBuffer())).toEqual(snupkg);
    // The symbol index is not a package anyone installs or lists.
    const listed = (await (await call(`/api/v4/projects/${project.id}/packages`, { headers: { "PRIVATE-TOKEN": maintainer.token } })).json()) as { name: string }[];
    expect(listed.map((p) => p.name)).toEqual(["Sym.Pkg"]);

    expect((await call(`/api/v4/projects/${project.id}/packages/nuget/Sym.Pkg/1.0.0`, { method: "DELETE", headers: apiKey(maintainer.token) })).status).toBe(204);
    expect((await call(url, { headers: { ...basicAuth(maintainer.token), Symbolchecksum: `SHA256:${checksum}` } })).status).toBe(404);
  });

  it("refuses a symbol package whose version was never pushed", async () => {
    const snupkg = await makeZip([{ name: "Sym.None.nuspec", data: nuspec({ id: "Sym.None", version: "1.0.0" }) }]);
    expect((await push(project.id, snupkg, apiKey(maintainer.token), { path: "/symbolpackage" })).status).toBe(404);
  });
});
