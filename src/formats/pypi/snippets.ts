// The PyPI package page: pip install, pip.conf, .pypirc and twine, as GitLab shows them.
import type { Snippet, SnippetInput } from "../format";
import { TOKEN_PLACEHOLDER } from "../snippet-text";

function pypiSnippets(input: SnippetInput, base: string): Snippet[] {
  const withToken = base.replace(/^(https?:\/\/)/, `$1__token__:${TOKEN_PLACEHOLDER}@`);
  return [
    { title: "pip install", language: "shell", code: `pip install ${input.name}==${input.version} --index-url ${withToken}/simple` },
    { title: "pip.conf", language: "ini", code: `[global]\nindex-url = ${withToken}/simple` },
    {
      title: ".pypirc (twine upload)",
      language: "ini",
      code: `[distutils]\nindex-servers =\n    gitlab\n\n[gitlab]\nrepository = ${base}\nusername = __token__\npassword = ${TOKEN_PLACEHOLDER}`,
    },
    { title: "twine upload", language: "shell", code: "python3 -m twine upload --repository gitlab dist/*" },
  ];
}

export const pypiPageSnippets = (input: SnippetInput) => pypiSnippets(input, `${input.origin}/api/v4/projects/${input.projectId}/packages/pypi`);
