// The real `mvn` against a running Packyard: deploy a release and a SNAPSHOT (twice), then a separate
// consumer resolves both from the project, group and instance endpoints with a fresh local repository,
// once with header credentials (settings.xml httpHeaders) and once with Basic after our 401 challenge.
// Offline: Maven Central is mirrored to the pre-seeded ~/.m2 as a file:// repository, so plugins resolve
// without the network and ~/.m2 itself is never written (every run has its own <localRepository>).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Seeder, startRegistry, type Registry } from "./support/registry";

const SAMPLES = path.join(import.meta.dirname, "maven");
const SEEDED_M2 = path.join(homedir(), ".m2", "repository");
const hasMaven = spawnSync("mvn", ["-v"], { encoding: "utf8" }).status === 0 && existsSync(SEEDED_M2);

let registry: Registry;
let work: string;
let seed: { user: { token: string; username: string }; group: { id: number }; project: { id: number }; deploy: { token: string; username: string } };

type Credentials = { header: [string, string] } | { basic: [string, string] };

/** settings.xml: its own local repository, Central mirrored to the pre-seeded cache, and the server's credentials. */
function writeSettings(dir: string, localRepository: string, credentials: Credentials): string {
  const server =
    "header" in credentials
      ? `<configuration><httpHeaders><property><name>${credentials.header[0]}</name><value>${credentials.header[1]}</value></property></httpHeaders></configuration>`
      : `<username>${credentials.basic[0]}</username><password>${credentials.basic[1]}</password>`;
  const seeded = `<releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>`;
  const file = path.join(dir, `settings-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(
    file,
    `<settings>
  <localRepository>${localRepository}</localRepository>
  <servers><server><id>gitlab-maven</id>${server}</server></servers>
  <mirrors><mirror><id>seeded-m2</id><mirrorOf>central</mirrorOf><url>file://${SEEDED_M2}</url></mirror></mirrors>
  <profiles><profile><id>seeded</id>
    <repositories><repository><id>central</id><url>https://repo.maven.apache.org/maven2</url>${seeded}</repository></repositories>
    <pluginRepositories><pluginRepository><id>central</id><url>https://repo.maven.apache.org/maven2</url>${seeded}</pluginRepository></pluginRepositories>
  </profile></profiles>
  <activeProfiles><activeProfile>seeded</activeProfile></activeProfiles>
</settings>
`,
  );
  return file;
}

function mvn(cwd: string, settings: string, registryUrl: string, goal: string): string {
  const result = spawnSync("mvn", ["-B", "-ntp", "-s", settings, `-Dregistry.url=${registryUrl}`, goal], { cwd, encoding: "utf8", timeout: 240_000 });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`mvn ${goal} in ${path.basename(cwd)} failed (${result.status}):\n${output.slice(-6000)}\n--- registry log ---\n${registry.logs().slice(-3000)}`);
  return output;
}

/** GET with curl (a fresh connection each time; see the last test). */
function get(url: string, token: string): { status: number; text: string } {
  const out = execFileSync("curl", ["-sS", "-H", `PRIVATE-TOKEN: ${token}`, "-w", "\n%{http_code}", url], { encoding: "utf8" });
  const lines = out.split("\n");
  const status = Number(lines.pop());
  return { status, text: lines.join("\n") };
}

beforeAll(async () => {
  if (!hasMaven) return;
  registry = await startRegistry();
  const seeder = new Seeder(registry);
  const user = await seeder.user("maven-dev");
  const group = await seeder.group("acme", "private");
  const project = await seeder.project(group.id, "tools", "private");
  await seeder.member("groups", group.id, user.id, 30);
  const deploy = await seeder.deployToken("groups", group.id, ["read_package_registry"]);
  seed = { user, group, project, deploy };
  work = mkdtempSync(path.join(tmpdir(), "packyard-maven-e2e-"));
  cpSync(SAMPLES, work, { recursive: true });
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!hasMaven)("maven with the real mvn", () => {
  const projectUrl = () => `${registry.url}/api/v4/projects/${seed.project.id}/packages/maven`;

  it("deploys a release and a SNAPSHOT twice with Private-Token from settings.xml", async () => {
    const settings = writeSettings(work, path.join(work, "producer-repo"), { header: ["Private-Token", seed.user.token] });
    mvn(path.join(work, "release-lib"), settings, projectUrl(), "deploy");
    const snapshotDir = path.join(work, "snapshot-lib");
    mvn(snapshotDir, settings, projectUrl(), "deploy");
    const source = path.join(snapshotDir, "src/main/java/acme/tools/greeter/Greeter.java");
    writeFileSync(source, readFileSync(source, "utf8").replace("// SECOND-BUILD-MARKER", 'public static String secondBuild() { return "build 2"; }'));
    // A second SNAPSHOT deploy a second later gets a new timestamp and build number 2.
    await new Promise((r) => setTimeout(r, 1100));
    mvn(snapshotDir, settings, projectUrl(), "deploy");

    const release = get(`${projectUrl()}/acme/tools/maven-metadata.xml`, seed.user.token);
    expect(release.status).toBe(200);
    expect(release.text).toContain("<release>1.0.0</release>");
    const snapshot = get(`${projectUrl()}/acme/tools/greeter/1.1.0-SNAPSHOT/maven-metadata.xml`, seed.user.token);
    expect(snapshot.status).toBe(200);
    expect(snapshot.text).toContain("<buildNumber>2</buildNumber>");
    const artifact = get(`${projectUrl()}/acme/tools/greeter/maven-metadata.xml`, seed.user.token);
    expect(artifact.text).toContain("<version>1.1.0-SNAPSHOT</version>");
  });

  const levels = {
    project: () => projectUrl(),
    group: () => `${registry.url}/api/v4/groups/${seed.group.id}/-/packages/maven`,
    instance: () => `${registry.url}/api/v4/packages/maven`,
  };
  const credentials: Record<string, () => Credentials> = {
    "Private-Token header": () => ({ header: ["Private-Token", seed.user.token] }),
    "Deploy-Token header": () => ({ header: ["Deploy-Token", seed.deploy.token] }),
    "Basic (user + personal token) after a 401 challenge": () => ({ basic: [seed.user.username, seed.user.token] }),
    "Basic (deploy token) after a 401 challenge": () => ({ basic: [seed.deploy.username, seed.deploy.token] }),
  };
  const cases: [keyof typeof levels, string][] = [
    ["project", "Private-Token header"],
    ["project", "Basic (user + personal token) after a 401 challenge"],
    ["group", "Deploy-Token header"],
    ["group", "Basic (deploy token) after a 401 challenge"],
    ["instance", "Private-Token header"],
    ["instance", "Basic (user + personal token) after a 401 challenge"],
  ];

  it.each(cases)("a consumer resolves the release and the newest SNAPSHOT from the %s endpoint with %s", (level, credential) => {
    const localRepository = mkdtempSync(path.join(work, "fresh-repo-"));
    const settings = writeSettings(work, localRepository, credentials[credential]());
    const consumer = mkdtempSync(path.join(work, "consumer-"));
    cpSync(path.join(SAMPLES, "consumer"), consumer, { recursive: true });
    const output = mvn(consumer, settings, levels[level](), "package");
    expect(output).toContain("BUILD SUCCESS");
    // Compiling App.java needs Greeter.secondBuild(): only the second SNAPSHOT build has it.
    const greeterDir = path.join(localRepository, "acme/tools/greeter/1.1.0-SNAPSHOT");
    expect(existsSync(path.join(greeterDir, "greeter-1.1.0-SNAPSHOT.jar"))).toBe(true);
    expect(existsSync(path.join(localRepository, "acme/tools/1.0.0/tools-1.0.0.jar"))).toBe(true);
    const run = execFileSync("java", ["-cp", [path.join(consumer, "target/classes"), path.join(localRepository, "acme/tools/1.0.0/tools-1.0.0.jar"), path.join(greeterDir, "greeter-1.1.0-SNAPSHOT.jar")].join(":"), "acme.app.App"], {
      encoding: "utf8",
    });
    expect(run.trim()).toBe("hello from tools 1.0.0 / greetings, build 1 / build 2");
  });

  it("answers an anonymous request for the private project with the Basic challenge Maven needs", () => {
    // curl, not fetch: a fresh connection (wrangler dev closes idle keep-alive sockets under undici).
    const head = execFileSync("curl", ["-sS", "-o", "/dev/null", "-D", "-", `${projectUrl()}/acme/tools/1.0.0/tools-1.0.0.pom`], { encoding: "utf8" });
    expect(head).toMatch(/^HTTP\/1\.1 401/);
    expect(head).toMatch(/www-authenticate: Basic realm="GitLab Packages Registry"/i);
  });
});
