// The Generic package page: download and upload with curl.
import type { Snippet, SnippetInput } from "../format";
import { TOKEN_PLACEHOLDER } from "../snippet-text";

function genericSnippets(input: SnippetInput, base: string): Snippet[] {
  const files = input.fileNames.length ? input.fileNames : ["<file_name>"];
  const first = files[0] ?? "<file_name>";
  const url = (file: string) => `${base}/${encodeURIComponent(input.name)}/${encodeURIComponent(input.version)}/${file}`;
  return [
    {
      title: "Download with curl",
      language: "shell",
      code: files.map((f) => `curl --fail --header "PRIVATE-TOKEN: ${TOKEN_PLACEHOLDER}" --output "${f.split("/").pop()}" "${url(f)}"`).join("\n"),
    },
    { title: "Upload with curl", language: "shell", code: `curl --fail --header "PRIVATE-TOKEN: ${TOKEN_PLACEHOLDER}" --upload-file path/to/${first} "${url(first)}"` },
  ];
}

export const genericPageSnippets = (input: SnippetInput) => genericSnippets(input, `${input.origin}/api/v4/projects/${input.projectId}/packages/generic`);
