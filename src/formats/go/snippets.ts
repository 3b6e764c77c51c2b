// The Go module page: GOPROXY, .netrc and go get, as a user copies them.
import type { Snippet, SnippetInput } from "../format";
import { TOKEN_PLACEHOLDER } from "../snippet-text";

function goSnippets(input: SnippetInput, proxy: string): Snippet[] {
  const host = new URL(input.origin).hostname;
  const first = input.name.split("/")[0] ?? input.name;
  return [
    { title: "go get", language: "shell", code: `go get ${input.name}@${input.version}` },
    { title: "Environment", language: "shell", code: `export GOPROXY=${proxy},https://proxy.golang.org,direct\nexport GONOSUMDB=${first}` },
    { title: "~/.netrc", language: "text", code: `machine ${host} login <username> password ${TOKEN_PLACEHOLDER}` },
  ];
}

export const goPageSnippets = (input: SnippetInput) => goSnippets(input, `${input.origin}/api/v4/projects/${input.projectId}/packages/go`);
