// The npm package page: install, .npmrc and publishConfig, as GitLab shows them.
import type { Snippet, SnippetInput } from "../format";

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

export const npmPageSnippets = (input: SnippetInput) => npmSnippets(input, `${input.origin}/api/v4/projects/${input.projectId}/packages/npm/`);
