// The Cargo package page: .cargo/config.toml, the dependency line, cargo add and publishing.
import type { Snippet, SnippetInput } from "../format";
import { TOKEN_PLACEHOLDER } from "../snippet-text";

/** A registry name for config.toml: the project's path, kept to what cargo accepts in a key. */
const registryNameOf = (projectPath: string) => (projectPath.split("/").pop() ?? "packyard").replace(/[^A-Za-z0-9_-]/g, "-") || "packyard";

export function cargoPageSnippets(input: SnippetInput): Snippet[] {
  const registry = registryNameOf(input.projectPath);
  const index = `sparse+${input.origin}/api/v4/projects/${input.projectId}/packages/cargo/index/`;
  return [
    { title: ".cargo/config.toml", language: "toml", code: `[registries.${registry}]\nindex = "${index}"\ncredential-provider = ["cargo:token"]` },
    { title: "Cargo.toml", language: "toml", code: `[dependencies]\n${input.name} = { version = "${input.version}", registry = "${registry}" }` },
    { title: "cargo add", language: "shell", code: `cargo add ${input.name}@${input.version} --registry ${registry}` },
    { title: "Token (private projects and publishing)", language: "shell", code: `cargo login --registry ${registry} ${TOKEN_PLACEHOLDER}` },
    { title: "cargo publish", language: "shell", code: `cargo publish --registry ${registry}` },
  ];
}
