// Cargo end to end with the real cargo against `wrangler dev`: cargo publish to a private project (config.json
// 401 → token), a crate depending on it from the same registry, a consumer that builds with a fresh CARGO_HOME
// and resolves only from Packyard, concurrent publishes of one crate, yank (a lock file still builds) and
// unyank, cargo search, cargo owner --list, and the login hint for a caller without a token.
// Skips, saying so, when the machine has no cargo (it comes from rustup, not from a Debian package).
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";
import { cargo, cargoHome, consumerCrate, expectOk, findCargo, greeterCrate, helloCrate, removeTempDirs } from "./cargo/client";

const CARGO = findCargo();
if (!CARGO) console.warn("cargo e2e skipped: no `cargo` on PATH or in ~/.cargo/bin (install Rust with rustup to run it)");

let registry: Registry;
let token: string; // alice: Maintainer of group acme
let readerToken: string; // bob: Reporter of group acme
let projectId: number;
let index: string;
let groupIndex: string;

const run = (args: string[], cwd: string, home: string, withToken?: string, input?: string) => cargo(CARGO!, args, cwd, home, withToken, input);

async function indexLines(name: string, path: string) {
  const res = await fetch(`${index.replace(/^sparse\+/, "")}${path}`, { headers: { Authorization: token } });
  expect(res.status).toBe(200);
  return (await res.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, any>)
    .filter((l) => l.name === name);
}

describe.skipIf(!CARGO)("cargo against Packyard", () => {
  let consumer: string;

  beforeAll(async () => {
    registry = await startRegistry();
    const seed = new Seeder(registry);
    const alice = await seed.user("alice");
    const bob = await seed.user("bob");
    const acme = await seed.group("acme", "private");
    const tools = await seed.project(acme.id, "tools", "private");
    await seed.member("groups", acme.id, alice.id, 40);
    await seed.member("groups", acme.id, bob.id, 20);
    token = alice.token;
    readerToken = bob.token;
    projectId = tools.id;
    index = `sparse+${registry.url}/api/v4/projects/${projectId}/packages/cargo/index/`;
    groupIndex = `sparse+${registry.url}/api/v4/groups/acme/-/packages/cargo/index/`;
  }, 120_000);

  afterAll(async () => {
    removeTempDirs();
    await registry?.stop();
  });

  it("publishes a crate and one that depends on it from the same registry (verified: built against Packyard)", async () => {
    const home = cargoHome(index);
    expectOk(await run(["publish", "--registry", "acme"], helloCrate("1.0.0"), home, token), "cargo publish acme-hello-cargo");
    expectOk(await run(["publish", "--registry", "acme"], greeterCrate(), home, token), "cargo publish acme_greeter");
    const [greeter] = await indexLines("acme_greeter", "ac/me/acme_greeter");
    expect(greeter).toMatchObject({ vers: "0.1.0", v: 2, features: { default: ["greet"] }, features2: { greet: ["dep:hello"] }, yanked: false });
    expect(greeter!.deps).toEqual([{ name: "hello", package: "acme-hello-cargo", req: "^1.0", features: ["shout"], optional: true, default_features: true, target: null, kind: "normal" }]);
  });

  it("builds a consumer with a fresh CARGO_HOME, resolving only from Packyard (project and group index)", async () => {
    consumer = consumerCrate();
    const built = expectOk(await run(["run", "--quiet"], consumer, cargoHome(index), readerToken), "cargo run (project index)");
    expect(built.stdout.trim()).toBe("greeter says: HELLO FROM ACME-HELLO-CARGO 1.0.0");
    const lock = readFileSync(path.join(consumer, "Cargo.lock"), "utf8");
    expect(lock).toContain(`source = "${index}"`);
    expect(lock).toMatch(/name = "acme-hello-cargo"\nversion = "1.0.0"\nsource = "sparse\+[^"]+"\nchecksum = "[0-9a-f]{64}"/);

    const viaGroup = consumerCrate();
    const group = expectOk(await run(["run", "--quiet"], viaGroup, cargoHome(groupIndex), readerToken), "cargo run (group index)");
    expect(group.stdout.trim()).toBe("greeter says: HELLO FROM ACME-HELLO-CARGO 1.0.0");
  });

  it("tells a caller without a token to log in, and cargo login where a token is to be had", async () => {
    const home = cargoHome(index);
    const result = await run(["build"], consumerCrate(), home);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/no token found for `acme`, please run `cargo login --registry acme`/);
    // config.json answered 401 with `WWW-Authenticate: Cargo login_url=…`: cargo login asks for a token from there.
    const login = await run(["login", "--registry", "acme"], consumerCrate(), home, undefined, "\n");
    expect(`${login.stdout}${login.stderr}`).toContain(`please paste the token found on ${registry.url}/users/sign_in below`);
  });

  it("lands every one of several concurrent publishes of one crate", async () => {
    const home = cargoHome(index);
    const versions = ["1.1.0", "1.2.0", "1.3.0"];
    const results = await Promise.all(versions.map((v) => run(["publish", "--registry", "acme", "--no-verify"], helloCrate(v), home, token)));
    for (const [i, r] of results.entries()) expectOk(r, `cargo publish ${versions[i]}`);
    const lines = await indexLines("acme-hello-cargo", "ac/me/acme-hello-cargo");
    expect(lines.map((l) => l.vers).sort()).toEqual(["1.0.0", ...versions]);
    expect(new Set(lines.map((l) => l.cksum)).size).toBe(4);
  });

  it("refuses a second publish of a version", async () => {
    const result = await run(["publish", "--registry", "acme", "--no-verify"], helloCrate("1.0.0"), cargoHome(index), token);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/already (exists|uploaded)/);
  });

  it("yanks (the lock file still builds), unyanks, searches and lists owners", async () => {
    const home = cargoHome(index);
    expectOk(await run(["yank", "--registry", "acme", "--version", "1.0.0", "acme-hello-cargo"], consumer, home, token), "cargo yank");
    const yanked = await indexLines("acme-hello-cargo", "ac/me/acme-hello-cargo");
    expect(yanked.find((l) => l.vers === "1.0.0")?.yanked).toBe(true);
    // The consumer's Cargo.lock pins the yanked 1.0.0: a fresh CARGO_HOME still downloads and builds it.
    const locked = expectOk(await run(["run", "--quiet", "--locked"], consumer, cargoHome(index), readerToken), "cargo run --locked with a yanked version");
    expect(locked.stdout.trim()).toBe("greeter says: HELLO FROM ACME-HELLO-CARGO 1.0.0");

    expectOk(await run(["yank", "--undo", "--registry", "acme", "--version", "1.0.0", "acme-hello-cargo"], consumer, home, token), "cargo yank --undo");
    expect((await indexLines("acme-hello-cargo", "ac/me/acme-hello-cargo")).find((l) => l.vers === "1.0.0")?.yanked).toBe(false);

    const search = expectOk(await run(["search", "--registry", "acme", "acme"], consumer, home, readerToken), "cargo search");
    expect(search.stdout).toMatch(/acme-hello-cargo = "1\.3\.0"\s+# Says hello from Packyard/);
    expect(search.stdout).toMatch(/acme_greeter = "0\.1\.0"/);

    const owners = expectOk(await run(["owner", "--list", "--registry", "acme", "acme-hello-cargo"], consumer, home, readerToken), "cargo owner --list");
    expect(owners.stdout).toContain("acme/tools");
  });
});
