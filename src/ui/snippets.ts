// Install and configuration snippets for a package page: each format contributes its own
// (src/formats/<format>/snippets.ts); a type no format serves gets the Packages API.
import { formatOf } from "../formats";
import type { Snippet, SnippetInput } from "../formats/format";
import { TOKEN_PLACEHOLDER } from "../formats/snippet-text";

export type { Snippet, SnippetInput };

export function snippetsFor(input: SnippetInput): Snippet[] {
  return formatOf(input.packageType)?.snippets(input) ?? fallbackSnippets(input);
}

function fallbackSnippets(input: SnippetInput): Snippet[] {
  const api = `${input.origin}/api/v4/projects/${input.projectId}/packages/${input.packageId}`;
  return [
    { title: "Package details (Packages API)", language: "shell", code: `curl --fail --header "PRIVATE-TOKEN: ${TOKEN_PLACEHOLDER}" "${api}"` },
    { title: "List its files", language: "shell", code: `curl --fail --header "PRIVATE-TOKEN: ${TOKEN_PLACEHOLDER}" "${api}/package_files"` },
  ];
}
