// The Composer package page: composer require, the repository entry and auth.json, as GitLab shows them.
import type { Snippet, SnippetInput } from "../format";
import { TOKEN_PLACEHOLDER } from "../snippet-text";

export function composerPageSnippets(input: SnippetInput): Snippet[] {
  const host = new URL(input.origin).host;
  const repository = `${input.origin}/api/v4/projects/${input.projectId}/packages/composer/`;
  const groupPath = input.projectPath.includes("/") ? input.projectPath.slice(0, input.projectPath.lastIndexOf("/")) : null;
  const snippets: Snippet[] = [
    { title: "Install", language: "shell", code: `composer require ${input.name}:${input.version}` },
    {
      title: "composer.json",
      language: "json",
      code: JSON.stringify({ repositories: [{ type: "composer", url: repository }], config: { "gitlab-domains": [host] } }, null, 2),
    },
    { title: "auth.json", language: "json", code: JSON.stringify({ "gitlab-token": { [host]: TOKEN_PLACEHOLDER } }, null, 2) },
  ];
  if (groupPath) {
    snippets.push({
      title: "Every package of the group",
      language: "shell",
      code: `composer config repositories.${groupPath.split("/").pop()} composer ${input.origin}/api/v4/group/${encodeURIComponent(groupPath)}/-/packages/composer/`,
    });
  }
  return snippets;
}
