// The web interface in a real browser: headless Debian Chromium driven by playwright-core against
// `wrangler dev`. Sign in, search, filter, sort, share the URL into a fresh context, open a package,
// copy a snippet, create a deploy token, change the access level, sign out; anonymous views of a public
// and a private project.
// Packages are published through the Generic and Maven upload APIs (one through a CI job token).
// Screenshots of the main pages go to test/e2e/screenshots/ (gitignored) for people to look at.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const SHOTS = path.join(import.meta.dirname, "screenshots");

let registry: Registry;
let browser: Browser;
let seed: { alice: { id: number; token: string }; publicPath: string; privatePath: string; packages: Record<string, number> };

async function upload(token: string, projectId: number, name: string, version: string, file: string, body: string, header = "PRIVATE-TOKEN") {
  const res = await fetch(`${registry.url}/api/v4/projects/${projectId}/packages/generic/${name}/${version}/${file}`, { method: "PUT", headers: { [header]: token }, body });
  if (res.status !== 201) throw new Error(`upload ${name}@${version}: ${res.status} ${await res.text()}`);
}

async function packageIds(projectId: number): Promise<Record<string, number>> {
  const res = await fetch(`${registry.url}/api/v4/projects/${projectId}/packages?per_page=100`, { headers: { "PRIVATE-TOKEN": registry.adminToken } });
  const list = (await res.json()) as { id: number; name: string; version: string }[];
  return Object.fromEntries(list.map((p) => [`${p.name}@${p.version}`, p.id]));
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  mkdirSync(SHOTS, { recursive: true });
  registry = await startRegistry();
  const seeder = new Seeder(registry);
  const alice = await seeder.user("alice");
  await seeder.user("bob");
  const group = await seeder.group("acme", "public");
  const tools = await seeder.project(group.id, "tools", "public");
  const vault = await seeder.project(group.id, "vault", "private");
  await seeder.member("groups", group.id, alice.id, 40);
  for (const [name, version] of [
    ["cli", "1.0.0"],
    ["cli", "1.1.0"],
    ["cli-plugins", "0.3.0"],
    ["docs", "2024.1"],
    ["lib-core", "2.0.0"],
  ]) {
    await upload(alice.token, tools.id, name, version, `${name}-${version}.tar.gz`, `${name} ${version} contents`);
  }
  const job = await seeder.api("POST", `/projects/${tools.id}/job_tokens`, { ref: "main", sha: "0123456789abcdef0123456789abcdef01234567" }, alice.token);
  await upload(job.token, tools.id, "cli", "1.1.0", "cli-1.1.0-linux.tar.gz", "linux build", "JOB-TOKEN");
  const jar = await fetch(`${registry.url}/api/v4/projects/${tools.id}/packages/maven/com/acme/cli-java/1.0.0/cli-java-1.0.0.jar`, { method: "PUT", headers: { "PRIVATE-TOKEN": alice.token }, body: "jar bytes" });
  if (!jar.ok) throw new Error(`maven upload: ${jar.status}`);
  await upload(alice.token, vault.id, "vault-secret", "1.0.0", "secret.bin", "secret");
  seed = { alice, publicPath: "acme/tools", privatePath: "acme/vault", packages: await packageIds(tools.id) };
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
});

afterAll(async () => {
  await browser?.close();
  await registry?.stop();
});

async function newPage(width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: registry.url });
  return context.newPage();
}

const rowNames = (page: Page) => page.locator("main table tbody tr td:first-child a").allTextContents();
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

describe("web interface in Chromium", () => {
  it("lets anyone browse a public project and hides a private one behind a 404", async () => {
    const page = await newPage();
    const res = await page.goto(`${registry.url}/${seed.publicPath}/-/packages`);
    expect(res!.status()).toBe(200);
    expect(await page.locator("h1").textContent()).toBe("tools: Package Registry");
    expect((await rowNames(page)).sort()).toEqual(["cli", "cli", "cli-plugins", "com/acme/cli-java", "docs", "lib-core"]);
    await shot(page, "project-anonymous");

    const hidden = await page.goto(`${registry.url}/${seed.privatePath}/-/packages`);
    expect(hidden!.status()).toBe(404);
    expect(await page.locator("h1").textContent()).toBe("Page not found");
    expect(await page.locator("main").textContent()).not.toContain("vault");
    await shot(page, "private-anonymous-404");
    await page.context().close();
  });

  it("signs in, searches, filters, sorts, shares the URL, opens a package, copies a snippet, changes the access level and signs out", async () => {
    const page = await newPage();
    await page.goto(`${registry.url}/`);
    await page.getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("Invalid username or password.");
    await page.getByLabel("Password").fill("password123");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${registry.url}/`);
    expect(await page.locator("header").textContent()).toContain("Signed in as alice");
    expect(await rowNames(page)).toContain("vault-secret"); // a private package alice may read
    await shot(page, "home-signed-in");

    // Search, filter and sort with the keyboard-usable GET form; the state lands in the URL.
    await page.goto(`${registry.url}/${seed.publicPath}/-/packages`);
    await page.getByLabel("Search by name").fill("cli");
    await page.getByLabel("Type").selectOption("generic");
    await page.getByLabel("Sort by").selectOption("version");
    await page.getByLabel("Order").selectOption("asc");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/search=cli/);
    const shared = page.url();
    expect(new URL(shared).search).toBe("?search=cli&type=generic&order_by=version&sort=asc");
    const expected = ["cli-plugins", "cli", "cli"];
    expect(await rowNames(page)).toEqual(expected);
    expect(await page.locator("main table tbody tr td:nth-child(2)").allTextContents()).toEqual(["0.3.0", "1.0.0", "1.1.0"]);
    await shot(page, "project-filtered");

    // The same URL in a brand-new (anonymous) browser context shows the same result.
    const other = await newPage();
    await other.goto(shared);
    expect(await rowNames(other)).toEqual(expected);
    expect(await other.getByLabel("Search by name").inputValue()).toBe("cli");
    expect(await other.getByLabel("Type").inputValue()).toBe("generic");
    await other.context().close();

    // Open cli 1.1.0: files, build info from the CI job, snippets with a working copy button.
    await page.locator("main table tbody tr").filter({ hasText: "1.1.0" }).getByRole("link").click();
    await page.waitForURL(new RegExp(`/-/packages/${seed.packages["cli@1.1.0"]}$`));
    expect(await page.locator("h1").textContent()).toBe("cli 1.1.0");
    const main = (await page.locator("main").textContent())!;
    expect(main).toContain("cli-1.1.0-linux.tar.gz");
    expect(main).toContain("#"); // pipeline id
    expect(main).toContain("01234567");
    expect(main).toContain("alice (@alice)");
    const snippet = (await page.locator("#snippet-0").textContent())!;
    expect(snippet).toContain(`/api/v4/projects/`);
    const copy = page.locator('button[data-copy="snippet-0"]');
    expect(await copy.isVisible()).toBe(true);
    await copy.click();
    await expect.poll(() => copy.textContent()).toBe("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet);
    await shot(page, "package-page");

    // The maven package shows a Maven dependency.
    await page.goto(`${registry.url}/${seed.publicPath}/-/packages/${seed.packages["com/acme/cli-java@1.0.0"]}`);
    expect(await page.locator("#snippet-0").textContent()).toContain("<artifactId>cli-java</artifactId>");

    // Group page, sorted by project.
    await page.goto(`${registry.url}/groups/acme/-/packages?order_by=project_path&sort=desc`);
    expect((await rowNames(page))[0]).toBe("vault-secret");
    await shot(page, "group-signed-in");

    // A deploy token for the private project: shown once, works against the API, gone from the page afterwards.
    await page.goto(`${registry.url}/${seed.privatePath}/-/settings/packages`);
    await page.getByLabel("Name", { exact: true }).fill("ci-pull");
    await page.getByLabel("read_package_registry").check();
    await page.getByRole("button", { name: "Create deploy token" }).click();
    const secret = (await page.locator("#new-token").textContent())!;
    expect(secret).toMatch(/^gldt-/);
    const viaToken = await fetch(`${registry.url}/api/v4/projects/${encodeURIComponent(seed.privatePath)}/packages`, { headers: { "DEPLOY-TOKEN": secret } });
    expect(viaToken.status).toBe(200);
    const withoutToken = await fetch(`${registry.url}/api/v4/projects/${encodeURIComponent(seed.privatePath)}/packages`);
    expect(withoutToken.status).toBe(401);
    await page.goto(`${registry.url}/${seed.privatePath}/-/settings/packages`);
    expect(await page.content()).not.toContain(secret);
    expect(await page.locator("main table").textContent()).toContain("ci-pull");

    // Settings: allow anyone to pull from the private project.
    await page.goto(`${registry.url}/${seed.privatePath}/-/settings/packages`);
    await page.getByLabel(/Allow anyone to pull/).check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(/saved=1/);
    expect(await page.getByRole("status").first().textContent()).toContain("Saved.");
    expect(await page.getByLabel(/Allow anyone to pull/).isChecked()).toBe(true);
    await shot(page, "settings");

    const anonymous = await newPage();
    const opened = await anonymous.goto(`${registry.url}/${seed.privatePath}/-/packages`);
    expect(opened!.status()).toBe(200);
    expect(await rowNames(anonymous)).toEqual(["vault-secret"]);
    await anonymous.context().close();

    // Sign out: back to anonymous, and the settings page is a 404 again.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${registry.url}/`);
    expect(await page.locator("header").textContent()).toContain("Sign in");
    expect((await page.goto(`${registry.url}/${seed.privatePath}/-/settings/packages`))!.status()).toBe(404);
    await page.context().close();
  });

  it("fits a phone screen without horizontal scrolling of the page", async () => {
    const page = await newPage(390);
    await page.goto(`${registry.url}/${seed.publicPath}/-/packages/${seed.packages["cli@1.1.0"]}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, "package-page-mobile");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.context().close();
  });
});
