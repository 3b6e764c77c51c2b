// The Terraform module page: the module block, the CLI credentials and the upload, as GitLab's page shows them.
import type { Snippet, SnippetInput } from "../format";
import { TOKEN_PLACEHOLDER } from "../snippet-text";

export function terraformPageSnippets(input: SnippetInput): Snippet[] {
  const host = input.origin.replace(/^https?:\/\//, "");
  const namespace = input.projectPath.split("/")[0] ?? "";
  const [name = input.name, system = ""] = input.name.split("/");
  const file = `${name}-${system}-${input.version}.tgz`;
  const upload = `${input.origin}/api/v4/projects/${input.projectId}/packages/terraform/modules/${name}/${system}/${input.version}/file`;
  return [
    { title: "Module", language: "hcl", code: `module "${name}" {\n  source  = "${host}/${namespace}/${name}/${system}"\n  version = "${input.version}"\n}` },
    { title: "~/.terraformrc (or TF_TOKEN_<host with _ for . and :>)", language: "hcl", code: `credentials "${host}" {\n  token = "${TOKEN_PLACEHOLDER}"\n}` },
    { title: "Publish with curl", language: "shell", code: `tar -czf ${file} -C path/to/module .\ncurl --fail --header "PRIVATE-TOKEN: ${TOKEN_PLACEHOLDER}" --upload-file ${file} "${upload}"` },
  ];
}
