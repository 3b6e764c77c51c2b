// Package bytes never run as pages on the registry's origin (issue 11, finding 1). A Developer uploads
// XHTML, SVG and HTML documents carrying a script as files of every format that lets a path choose the
// name (Maven, Generic) and publishes npm and PyPI packages whose metadata embeds the same script; the
// project's Maintainer, signed in, then opens every URL in Chromium. The script would copy document.cookie (a readable cookie
// is planted for the origin) into window.__pwned; it must never run: each file downloads as an attachment,
// and what does render (PyPI's HTML simple pages, JSON documents) runs under a sandboxing CSP.
// A positive control renders the same payload where scripts are allowed, so the probe itself is shown to work.
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const SCRIPT = "window.__pwned = document.cookie || 'ran'; document.title = 'pwned';";
const PAYLOADS: Record<string, string> = {
  xhtml: `<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body><script>${SCRIPT}</script></body></html>`,
  svg: `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>${SCRIPT}</script></svg>`,
  html: `<!doctype html><html><body><img src=x onerror="${SCRIPT}"><script>${SCRIPT}</script></body></html>`,
};

let registry: Registry;
let browser: Browser;
const urls: string[] = [];

async function put(url: string, token: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: "PUT", headers: { "PRIVATE-TOKEN": token, ...headers }, body });
  if (!res.ok) throw new Error(`PUT ${url}: ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  registry = await startRegistry();
  const seeder = new Seeder(registry);
  const dev = await seeder.user("mallory");
  const alice = await seeder.user("alice");
  const group = await seeder.group("acme", "public");
  const project = await seeder.project(group.id, "tools", "public");
  await seeder.member("projects", project.id, dev.id, 30);
  await seeder.member("projects", project.id, alice.id, 40);
  const api = `${registry.url}/api/v4/projects/${project.id}/packages`;
  for (const [ext, body] of Object.entries(PAYLOADS)) {
    await put(`${api}/maven/evil/x/1.0/x-1.0.${ext}`, dev.token, body);
    await put(`${api}/generic/evil/1.0.0/evil.${ext}`, dev.token, body);
    urls.push(`${api}/maven/evil/x/1.0/x-1.0.${ext}`, `${registry.url}/api/v4/groups/${group.id}/-/packages/maven/evil/x/1.0/x-1.0.${ext}`, `${api}/generic/evil/1.0.0/evil.${ext}`);
  }
  // npm: a description and a README carrying the script, a tarball whose bytes are the HTML payload.
  const tarball = Buffer.from(PAYLOADS.html!);
  const { createHash } = await import("node:crypto");
  const version = { name: "@acme/evil", version: "1.0.0", description: PAYLOADS.html, readme: PAYLOADS.html, dist: { shasum: createHash("sha1").update(tarball).digest("hex"), tarball: "x" } };
  await put(`${api}/npm/@acme%2fevil`, dev.token, JSON.stringify({ name: "@acme/evil", versions: { "1.0.0": version }, "dist-tags": { latest: "1.0.0" }, _attachments: { "@acme/evil-1.0.0.tgz": { data: tarball.toString("base64"), length: tarball.length } } }), { "content-type": "application/json" });
  urls.push(`${api}/npm/@acme%2fevil`, `${api}/npm/@acme/evil/-/@acme/evil-1.0.0.tgz`, `${registry.url}/api/v4/packages/npm/@acme%2fevil`);
  // PyPI: a wheel whose bytes are the payload and whose summary carries it; the simple pages are HTML.
  const form = new FormData();
  for (const [k, v] of Object.entries({ ":action": "file_upload", protocol_version: "1", name: "evil", version: "1.0", filetype: "bdist_wheel", pyversion: "py3", metadata_version: "2.1", summary: PAYLOADS.html!, requires_python: `>=3<script>${SCRIPT}</script>` })) form.append(k, v);
  form.append("content", new Blob([PAYLOADS.html!]), "evil-1.0-py3-none-any.whl");
  const twine = await fetch(`${api}/pypi`, { method: "POST", headers: { "PRIVATE-TOKEN": dev.token }, body: form });
  if (twine.status !== 201) throw new Error(`pypi upload: ${twine.status} ${await twine.text()}`);
  const page = await (await fetch(`${api}/pypi/simple/evil/`, { headers: { accept: "text/html" } })).text();
  const file = /href="([^"#]+)/.exec(page)![1]!;
  urls.push(`${api}/pypi/simple/`, `${api}/pypi/simple/evil/`, new URL(file, `${api}/pypi/simple/evil/`).toString());
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await registry?.stop();
});

/** A context signed in as the project's Maintainer, with a readable cookie planted for the registry's origin. */
async function maintainerContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${registry.url}/users/sign_in`);
  await page.getByLabel("Username").fill("alice");
  await page.getByLabel("Password").fill("password123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${registry.url}/`);
  await context.addCookies([{ name: "readable", value: "secret-value", url: registry.url }]);
  await page.close();
  return context;
}

describe("uploaded documents in a browser", () => {
  it("the probe works: the same payload, served on the registry's origin without the protections, reads the cookie", async () => {
    const context = await maintainerContext();
    const page = await context.newPage();
    const control = `${registry.url}/__unprotected_control`;
    await page.route(control, (route) => route.fulfill({ status: 200, contentType: "text/html", body: PAYLOADS.html! }));
    await page.goto(control);
    await page.waitForFunction(() => (window as unknown as { __pwned?: string }).__pwned !== undefined, undefined, { timeout: 5_000 });
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toContain("readable=secret-value");
    await context.close();
  });

  it("never runs a script from a package file or metadata document, at any level", async () => {
    const context = await maintainerContext();
    const outcomes: string[] = [];
    for (const url of urls) {
      const page = await context.newPage();
      const download = page.waitForEvent("download", { timeout: 2_000 }).then(
        () => "download",
        () => null,
      );
      const response = await page.goto(url).catch(() => null);
      const downloaded = await download;
      if (downloaded) {
        outcomes.push(`${url} → download`);
      } else {
        expect(response, url).not.toBeNull();
        expect(response!.headers()["content-security-policy"], url).toMatch(/sandbox/);
        expect(response!.headers()["x-content-type-options"], url).toBe("nosniff");
        await page.waitForTimeout(200);
        outcomes.push(`${url} → rendered ${response!.headers()["content-type"]}`);
      }
      const pwned = await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned).catch(() => undefined);
      expect(pwned, url).toBeUndefined();
      expect(await page.title().catch(() => ""), url).not.toBe("pwned");
      await page.close();
    }
    // Files of every format are downloads, not pages.
    expect(outcomes.filter((o) => /\.(xhtml|svg|html|tgz|whl)(\b|$)/.test(o.split(" → ")[0]!) && !o.endsWith("download"))).toEqual([]);
    await context.close();
  });
});
