// Install and configuration snippets for a package, per package manager, as GitLab's package pages show
// them (only the host differs). Pure: text in, text out.
// Spec: GitLab doc/user/packages/<format>/ pages; ../shared/reference/gitlab-spec.md §1–§12;
//       ../shared/reference/clients.md (configurations the real clients were run with).

export interface SnippetInput {
  /** e.g. https://packages.example.com */
  origin: string;
  projectId: number;
  projectPath: string;
  packageType: string;
  name: string;
  version: string;
  fileNames: string[];
  metadata: Record<string, unknown>;
  /** Package id, for the Packages API fallback. */
  packageId: number;
}

export interface Snippet {
  /** Heading shown above the block, e.g. "Install" or ".npmrc". */
  title: string;
  /** What the block is (a file name or a shell), for screen readers and syntax hints. */
  language: "shell" | "ini" | "xml" | "json" | "groovy" | "hcl" | "text" | "toml" | "yaml";
  code: string;
}

const TOKEN = "<your_access_token>";

/** Every snippet for the package's manager; unknown types get the Packages API. */
export function snippetsFor(input: SnippetInput): Snippet[] {
  const api = `${input.origin}/api/v4/projects/${input.projectId}/packages`;
  switch (input.packageType) {
    case "npm":
      return npmSnippets(input, `${api}/npm/`);
    case "pypi":
      return pypiSnippets(input, `${api}/pypi`);
    case "maven":
      return mavenSnippets(input, `${api}/maven`);
    case "generic":
      return genericSnippets(input, `${api}/generic`);
    case "nuget":
      return nugetSnippets(input, `${api}/nuget/index.json`);
    case "helm":
      return helmSnippets(input, `${api}/helm/${stringField(input.metadata, "channel") ?? "stable"}`);
    case "composer":
      return composerSnippets(input);
    case "conan":
      return conanSnippets(input, `${api}/conan`);
    case "rubygems":
      return rubygemsSnippets(input, `${api}/rubygems`);
    case "terraform_module":
      return terraformSnippets(input);
    case "debian":
      return debianSnippets(input, `${api}/debian`);
    case "golang":
      return goSnippets(input, `${api}/go`);
    case "cargo":
      return cargoSnippets(input, `${api}/cargo/`);
    default:
      return fallbackSnippets(input);
  }
}

function npmSnippets(input: SnippetInput, registry: string): Snippet[] {
  const scope = input.name.startsWith("@") ? input.name.split("/")[0] : null;
  const hostPath = registry.replace(/^https?:/, "");
  const registryLine = scope ? `${scope}:registry=${registry}` : `registry=${registry}`;
  return [
    { title: "Install", language: "shell", code: `npm install ${input.name}@${input.version}` },
    { title: ".npmrc", language: "ini", code: `${registryLine}\n${hostPath}:_authToken=\${NPM_TOKEN}` },
    { title: "Publish (package.json)", language: "json", code: JSON.stringify({ publishConfig: { registry } }, null, 2) },
  ];
}

function pypiSnippets(input: SnippetInput, base: string): Snippet[] {
  const withToken = base.replace(/^(https?:\/\/)/, `$1__token__:${TOKEN}@`);
  return [
    { title: "pip install", language: "shell", code: `pip install ${input.name}==${input.version} --index-url ${withToken}/simple` },
    { title: "pip.conf", language: "ini", code: `[global]\nindex-url = ${withToken}/simple` },
    {
      title: ".pypirc (twine upload)",
      language: "ini",
      code: `[distutils]\nindex-servers =\n    gitlab\n\n[gitlab]\nrepository = ${base}\nusername = __token__\npassword = ${TOKEN}`,
    },
    { title: "twine upload", language: "shell", code: "python3 -m twine upload --repository gitlab dist/*" },
  ];
}

/** Maven package names are `group/path/artifactId`: the last segment is the artifact. */
export function mavenCoordinates(name: string, metadata: Record<string, unknown>): { groupId: string; artifactId: string } {
  const groupId = stringField(metadata, "groupId") ?? stringField(metadata, "app_group");
  const artifactId = stringField(metadata, "artifactId") ?? stringField(metadata, "app_name");
  if (groupId && artifactId) return { groupId, artifactId };
  const parts = name.split("/");
  const artifact = parts.pop() ?? name;
  return { groupId: parts.join(".") || artifact, artifactId: artifact };
}

function mavenSnippets(input: SnippetInput, url: string): Snippet[] {
  const { groupId, artifactId } = mavenCoordinates(input.name, input.metadata);
  return [
    {
      title: "pom.xml dependency",
      language: "xml",
      code: `<dependency>\n  <groupId>${xml(groupId)}</groupId>\n  <artifactId>${xml(artifactId)}</artifactId>\n  <version>${xml(input.version)}</version>\n</dependency>`,
    },
    {
      title: "pom.xml repository",
      language: "xml",
      code: `<repositories>\n  <repository>\n    <id>gitlab-maven</id>\n    <url>${xml(url)}</url>\n  </repository>\n</repositories>\n<distributionManagement>\n  <repository>\n    <id>gitlab-maven</id>\n    <url>${xml(url)}</url>\n  </repository>\n</distributionManagement>`,
    },
    {
      title: "settings.xml",
      language: "xml",
      code: `<settings>\n  <servers>\n    <server>\n      <id>gitlab-maven</id>\n      <configuration>\n        <httpHeaders>\n          <property>\n            <name>Private-Token</name>\n            <value>\${env.GITLAB_TOKEN}</value>\n          </property>\n        </httpHeaders>\n      </configuration>\n    </server>\n  </servers>\n</settings>`,
    },
    { title: "mvn", language: "shell", code: `mvn dependency:get -Dartifact=${groupId}:${artifactId}:${input.version}` },
    { title: "Gradle (Groovy)", language: "groovy", code: `implementation '${groupId}:${artifactId}:${input.version}'` },
  ];
}

function genericSnippets(input: SnippetInput, base: string): Snippet[] {
  const files = input.fileNames.length ? input.fileNames : ["<file_name>"];
  const url = (file: string) => `${base}/${encodeURIComponent(input.name)}/${encodeURIComponent(input.version)}/${file}`;
  return [
    {
      title: "Download with curl",
      language: "shell",
      code: files.map((f) => `curl --fail --header "PRIVATE-TOKEN: ${TOKEN}" --output "${f.split("/").pop()}" "${url(f)}"`).join("\n"),
    },
    { title: "Upload with curl", language: "shell", code: `curl --fail --header "PRIVATE-TOKEN: ${TOKEN}" --upload-file path/to/${files[0]} "${url(files[0])}"` },
  ];
}

function nugetSnippets(input: SnippetInput, source: string): Snippet[] {
  return [
    { title: "Add the source", language: "shell", code: `dotnet nuget add source "${source}" --name gitlab --username <your_username> --password ${TOKEN}` },
    { title: "Install", language: "shell", code: `dotnet add package ${input.name} --version ${input.version}` },
    { title: "NuGet CLI", language: "shell", code: `nuget install ${input.name} -Version ${input.version} -Source gitlab` },
  ];
}

function helmSnippets(input: SnippetInput, repo: string): Snippet[] {
  return [
    { title: "Add the repository", language: "shell", code: `helm repo add --username <your_username> --password ${TOKEN} project-${input.projectId} ${repo}` },
    { title: "Install", language: "shell", code: `helm install my-release project-${input.projectId}/${input.name} --version ${input.version}` },
  ];
}

function composerSnippets(input: SnippetInput): Snippet[] {
  const group = input.projectPath.split("/").slice(0, -1).join("/");
  const url = `${input.origin}/api/v4/group/${encodeURIComponent(group)}/-/packages/composer/packages.json`;
  const host = new URL(input.origin).host;
  return [
    { title: "composer.json repository", language: "json", code: JSON.stringify({ repositories: [{ type: "composer", url }], config: { "gitlab-domains": [host] } }, null, 2) },
    { title: "Authenticate", language: "shell", code: `composer config gitlab-token.${host} ${TOKEN}` },
    { title: "Install", language: "shell", code: `composer require ${input.name}:${input.version}` },
  ];
}

function conanSnippets(input: SnippetInput, remote: string): Snippet[] {
  const user = stringField(input.metadata, "user") ?? stringField(input.metadata, "package_username");
  const channel = stringField(input.metadata, "channel") ?? stringField(input.metadata, "package_channel");
  const reference = user && channel && user !== "_" ? `${input.name}/${input.version}@${user}/${channel}` : `${input.name}/${input.version}`;
  return [
    { title: "Add the remote", language: "shell", code: `conan remote add gitlab ${remote}\nconan remote login gitlab <your_username> -p ${TOKEN}` },
    { title: "Install", language: "shell", code: `conan install --requires="${reference}" --remote=gitlab` },
  ];
}

function rubygemsSnippets(input: SnippetInput, base: string): Snippet[] {
  const withToken = base.replace(/^(https?:\/\/)/, `$1__token__:${TOKEN}@`);
  return [
    { title: "Install", language: "shell", code: `gem install ${input.name} -v ${input.version} --remote --clear-sources --source ${withToken}/` },
    { title: "~/.gem/credentials (push)", language: "yaml", code: `---\n${base}: ${TOKEN}` },
    { title: "Push", language: "shell", code: `gem push ${input.name}-${input.version}.gem --host ${base}` },
  ];
}

function terraformSnippets(input: SnippetInput): Snippet[] {
  const host = new URL(input.origin).host;
  const root = input.projectPath.split("/")[0];
  return [
    { title: "Module source", language: "hcl", code: `module "${input.name.split("/")[0]}" {\n  source  = "${host}/${root}/${input.name}"\n  version = "${input.version}"\n}` },
    { title: "~/.terraformrc", language: "hcl", code: `credentials "${host}" {\n  token = "${TOKEN}"\n}` },
  ];
}

function debianSnippets(input: SnippetInput, base: string): Snippet[] {
  const distribution = stringField(input.metadata, "distribution") ?? "<codename>";
  const component = stringField(input.metadata, "component") ?? "main";
  const host = new URL(input.origin).host;
  return [
    { title: "/etc/apt/sources.list.d/gitlab.list", language: "text", code: `deb [ signed-by=/usr/share/keyrings/gitlab.asc ] ${base} ${distribution} ${component}` },
    { title: "/etc/apt/auth.conf.d/gitlab.conf", language: "text", code: `machine ${host}\nlogin <your_username>\npassword ${TOKEN}` },
    { title: "Install", language: "shell", code: `sudo apt-get update && sudo apt-get install ${input.name}=${input.version}` },
  ];
}

function goSnippets(input: SnippetInput, proxy: string): Snippet[] {
  return [
    { title: "Environment", language: "shell", code: `export GOPROXY=${proxy},https://proxy.golang.org,direct\nexport GONOSUMDB=${input.name}` },
    { title: "Install", language: "shell", code: `go get ${input.name}@${input.version}` },
  ];
}

function cargoSnippets(input: SnippetInput, index: string): Snippet[] {
  return [
    { title: ".cargo/config.toml", language: "toml", code: `[registries.gitlab]\nindex = "sparse+${index}"\n\n[registry]\nglobal-credential-providers = ["cargo:token"]` },
    { title: "Install", language: "shell", code: `cargo add ${input.name}@${input.version} --registry gitlab` },
  ];
}

function fallbackSnippets(input: SnippetInput): Snippet[] {
  const api = `${input.origin}/api/v4/projects/${input.projectId}/packages/${input.packageId}`;
  return [
    { title: "Package details (Packages API)", language: "shell", code: `curl --fail --header "PRIVATE-TOKEN: ${TOKEN}" "${api}"` },
    { title: "List its files", language: "shell", code: `curl --fail --header "PRIVATE-TOKEN: ${TOKEN}" "${api}/package_files"` },
  ];
}

function stringField(metadata: Record<string, unknown>, key: string): string | null {
  const value = metadata[key];
  return typeof value === "string" && value ? value : null;
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
