// The Debian package page: apt sources, auth.conf.d, install; dput-ng configuration.
import type { Snippet, SnippetInput } from "../format";
import { stringField } from "../snippet-text";

export function debianPageSnippets(input: SnippetInput): Snippet[] {
  const url = `${input.origin}/api/v4/projects/${input.projectId}/packages/debian`;
  const codename = stringField(input.metadata, "distribution") ?? "<codename>";
  return [
    {
      title: "Signing key",
      language: "shell",
      code: `curl --fail --header "PRIVATE-TOKEN: <token>" -o /usr/share/keyrings/packyard.asc ${input.origin}/api/v4/projects/${input.projectId}/debian_distributions/${codename}/key.asc`,
    },
    { title: "/etc/apt/sources.list.d/packyard.list", language: "text", code: `deb [signed-by=/usr/share/keyrings/packyard.asc] ${url} ${codename} main` },
    { title: "/etc/apt/auth.conf.d/packyard.conf", language: "text", code: `machine ${url}\nlogin <username>\npassword <token>` },
    { title: "Install", language: "shell", code: `apt-get update && apt-get install ${input.name}=${input.version}` },
    {
      title: "~/.dput.cf",
      language: "ini",
      code: `[packyard]\nmethod = https\nfqdn = <username>:<token>@${new URL(input.origin).host}\nincoming = /api/v4/projects/${input.projectId}/packages/debian\nlogin = *\nallow_unsigned_uploads = 1`,
    },
  ];
}
