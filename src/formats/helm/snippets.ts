// The Helm package page: helm repo add, helm install, helm cm-push and the curl upload, as GitLab shows them.
import type { Snippet, SnippetInput } from "../format";
import { TOKEN_PLACEHOLDER } from "../snippet-text";

const CHANNEL = "stable";

export function helmPageSnippets(input: SnippetInput): Snippet[] {
  const base = `${input.origin}/api/v4/projects/${input.projectId}/packages/helm`;
  const repo = `project-${input.projectId}`;
  const chart = `${input.name}-${input.version}.tgz`;
  return [
    {
      title: "Add the repository",
      language: "shell",
      code: `helm repo add --username <username> --password ${TOKEN_PLACEHOLDER} ${repo} ${base}/${CHANNEL}`,
    },
    { title: "Install", language: "shell", code: `helm repo update\nhelm install my-release ${repo}/${input.name} --version ${input.version}` },
    { title: "Publish with helm cm-push", language: "shell", code: `helm cm-push ${chart} ${repo}` },
    {
      title: "Publish with curl",
      language: "shell",
      code: `curl --fail-with-body --user <username>:${TOKEN_PLACEHOLDER} --form 'chart=@${chart}' ${base}/api/${CHANNEL}/charts`,
    },
  ];
}
