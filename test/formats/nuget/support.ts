// Builds real NuGet packages inside the tests (a ZIP with a .nuspec, stored or deflated entries, optionally
// with data descriptors as streaming writers make them) and pushes them as NuGet clients do.
import { call } from "../../support/api";
import { concat, makeZip, type ZipInput, type ZipOptions } from "../../support/zip-writer";

export interface NuspecOptions {
  id: string;
  version: string;
  authors?: string;
  description?: string;
  /** Raw XML put inside <metadata> (dependencies, tags, license, …). */
  extra?: string;
}

export function nuspec(o: NuspecOptions): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>${o.id}</id>
    <version>${o.version}</version>
    <authors>${o.authors ?? "Packyard Tests"}</authors>
    <description>${o.description ?? `The ${o.id} package`}</description>
    ${o.extra ?? ""}
  </metadata>
</package>`;
}

/** A .nupkg laid out as `nuget pack` lays it out: _rels first, the nuspec, content, package metadata. */
export function buildNupkg(o: NuspecOptions & ZipOptions & { content?: string; files?: ZipInput[] }): Promise<Uint8Array> {
  return makeZip(
    [
      { name: "_rels/.rels", data: '<?xml version="1.0" encoding="utf-8"?><Relationships/>' },
      { name: `${o.id}.nuspec`, data: nuspec(o) },
      { name: "content/readme.txt", data: o.content ?? `readme of ${o.id} ${o.version} ${crypto.randomUUID()}` },
      ...(o.files ?? []),
      { name: "[Content_Types].xml", data: '<?xml version="1.0" encoding="utf-8"?><Types/>' },
    ],
    o,
  );
}

/**
 * The multipart body NuGet clients send: one part `package`. NuGet 2.x ends the part with a bare LF before
 * the closing boundary (`bareLf`, the default); dotnet sends CRLF.
 */
export function pushBody(bytes: Uint8Array, options: { bareLf?: boolean; name?: string } = {}) {
  const boundary = crypto.randomUUID();
  const enc = new TextEncoder();
  const head = enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${options.name ?? "package"}"; filename="package"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = enc.encode(`${options.bareLf === false ? "\r\n" : "\n"}--${boundary}--\r\n`);
  return { body: concat([head, bytes, tail]), contentType: `multipart/form-data; boundary="${boundary}"` };
}

export const apiKey = (token: string) => ({ "X-NuGet-ApiKey": token });
export const basicAuth = (token: string) => ({ Authorization: `Basic ${btoa(`__token__:${token}`)}` });

/** `PUT <prefix>` (v3) or `<prefix>/v2/` (nuget 2.x) with the package. */
export function push(projectId: number | string, bytes: Uint8Array, headers: Record<string, string>, options: { path?: string; bareLf?: boolean } = {}) {
  const { body, contentType } = pushBody(bytes, options);
  return call(`/api/v4/projects/${projectId}/packages/nuget${options.path ?? "/v2/"}`, { method: "PUT", body, headers: { ...headers, "content-type": contentType } });
}

export const hexOf = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
export const base64Of = (buffer: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));
