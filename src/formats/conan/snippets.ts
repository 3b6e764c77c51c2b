// The Conan package page: the remote and the install command, as GitLab shows them (project-level remote).
import type { Snippet, SnippetInput } from "../format";
import { stringField } from "../snippet-text";

export function conanPageSnippets(input: SnippetInput): Snippet[] {
  const user = stringField(input.metadata, "package_username") ?? "_";
  const channel = stringField(input.metadata, "package_channel") ?? "_";
  const ref = user === "_" && channel === "_" ? `${input.name}/${input.version}` : `${input.name}/${input.version}@${user}/${channel}`;
  const remote = `${input.origin}/api/v4/projects/${input.projectId}/packages/conan`;
  return [
    { title: "Add the remote", language: "shell", code: `conan remote add gitlab ${remote}` },
    { title: "Log in", language: "shell", code: "conan remote login gitlab <username> -p <personal_access_token>" },
    { title: "Install", language: "shell", code: `conan install --requires="${ref}" --remote=gitlab` },
  ];
}
