// The NuGet package page: nuget.config, install and push commands for nuget and dotnet, as GitLab shows them.
import type { Snippet, SnippetInput } from "../format";
import { TOKEN_PLACEHOLDER, xml } from "../snippet-text";

export function nugetPageSnippets(input: SnippetInput): Snippet[] {
  const base = `${input.origin}/api/v4/projects/${input.projectId}/packages/nuget`;
  return [
    { title: "dotnet add package", language: "shell", code: `dotnet add package ${input.name} --version ${input.version}` },
    { title: "NuGet install", language: "shell", code: `nuget install ${input.name} -Version ${input.version} -Source gitlab` },
    {
      title: "nuget.config (v3)",
      language: "xml",
      code: `<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSources>\n    <add key="gitlab" value="${xml(base)}/index.json" />\n  </packageSources>\n  <packageSourceCredentials>\n    <gitlab>\n      <add key="Username" value="__token__" />\n      <add key="ClearTextPassword" value="${TOKEN_PLACEHOLDER}" />\n    </gitlab>\n  </packageSourceCredentials>\n</configuration>`,
    },
    { title: "NuGet v2 feed (nuget 2.x, Chocolatey)", language: "text", code: `${base}/v2` },
    { title: "dotnet nuget push", language: "shell", code: `dotnet nuget push ${input.name}.${input.version}.nupkg --source gitlab --api-key ${TOKEN_PLACEHOLDER}` },
  ];
}
