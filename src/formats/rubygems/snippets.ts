// The RubyGems package page: gem install, the Gemfile source, credentials and gem push, as GitLab shows them.
import type { Snippet, SnippetInput } from "../format";
import { TOKEN_PLACEHOLDER } from "../snippet-text";

function rubygemsSnippets(input: SnippetInput, base: string): Snippet[] {
  const withToken = base.replace(/^(https?:\/\/)/, `$1__token__:${TOKEN_PLACEHOLDER}@`);
  return [
    { title: "gem install", language: "shell", code: `gem install ${input.name} -v ${input.version} --clear-sources --source ${withToken}/` },
    { title: "Gemfile", language: "text", code: `source "${base}/" do\n  gem "${input.name}", "${input.version}"\nend` },
    { title: "Bundler credentials", language: "shell", code: `bundle config set --global ${base}/ __token__:${TOKEN_PLACEHOLDER}` },
    { title: "~/.gem/credentials (gem push)", language: "yaml", code: `---\n${base}: ${TOKEN_PLACEHOLDER}` },
    { title: "gem push", language: "shell", code: `gem push ${input.fileNames[0] ?? `${input.name}-${input.version}.gem`} --host ${base}` },
  ];
}

export const rubygemsPageSnippets = (input: SnippetInput) => rubygemsSnippets(input, `${input.origin}/api/v4/projects/${input.projectId}/packages/rubygems`);
