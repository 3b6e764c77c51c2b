// Pure helpers of the web pages: URL state of list pages, page routing, and snippet generators.
import { describe, expect, it } from "vitest";
import { listQueryString, pageWindow, parseListState, DEFAULT_STATE } from "../../src/ui/list-query";
import { matchUiRoute, safeReturnTo } from "../../src/ui/paths";
import { snippetsFor, type SnippetInput } from "../../src/ui/snippets";
import { mavenCoordinates } from "../../src/formats/maven/snippets";
import { FORMATS } from "../../src/formats";

describe("list state in the URL", () => {
  it("round-trips a state and leaves defaults out", () => {
    const state = parseListState(new URLSearchParams("search=hello&type=npm&order_by=name&sort=asc&page=3"), false);
    expect(state).toEqual({ search: "hello", type: "npm", orderBy: "name", sort: "asc", page: 3 });
    expect(listQueryString(state)).toBe("?search=hello&type=npm&order_by=name&sort=asc&page=3");
    expect(listQueryString(DEFAULT_STATE)).toBe("");
    expect(listQueryString(state, { page: 1 })).toBe("?search=hello&type=npm&order_by=name&sort=asc");
  });

  it("falls back to defaults for nonsense and allows project order only where there are projects", () => {
    expect(parseListState(new URLSearchParams("type=NPM;drop&order_by=evil&sort=sideways&page=-4"), true)).toEqual(DEFAULT_STATE);
    expect(parseListState(new URLSearchParams("order_by=project_path"), false).orderBy).toBe("created_at");
    expect(parseListState(new URLSearchParams("order_by=project_path"), true).orderBy).toBe("project_path");
  });

  it("computes the rows a page shows", () => {
    expect(pageWindow({ ...DEFAULT_STATE, page: 2 }, 45)).toMatchObject({ page: 2, pageCount: 3, offset: 20, first: 21, last: 40 });
    expect(pageWindow(DEFAULT_STATE, 0)).toMatchObject({ pageCount: 1, first: 0, last: 0 });
  });
});

describe("page routing", () => {
  it("matches project, group, package and settings pages with nested namespaces", () => {
    expect(matchUiRoute("GET", "/acme/tools/-/packages")).toEqual({ page: "project_packages", projectPath: "acme/tools" });
    expect(matchUiRoute("GET", "/acme/sub/tools/-/packages/12")).toEqual({ page: "package", projectPath: "acme/sub/tools", packageId: 12 });
    expect(matchUiRoute("POST", "/acme/tools/-/packages/12/files/3/delete")).toEqual({ page: "delete_file", projectPath: "acme/tools", packageId: 12, fileId: 3 });
    expect(matchUiRoute("GET", "/groups/acme/sub/-/packages")).toEqual({ page: "group_packages", groupPath: "acme/sub" });
    expect(matchUiRoute("POST", "/acme/tools/-/settings/packages/deploy_tokens/4/revoke")).toEqual({ page: "revoke_deploy_token", projectPath: "acme/tools", tokenId: 4 });
  });

  it("rejects everything else", () => {
    for (const [method, path] of [
      ["GET", "/tools/-/packages"],
      ["POST", "/acme/tools/-/packages"],
      ["GET", "/acme/tools/-/packages/12/delete"],
      ["GET", "/acme/tools/-/packages/abc"],
      ["GET", "/acme/.hidden/-/packages"],
      ["GET", "/groups/acme/-/settings/packages"],
    ] as const) {
      expect(matchUiRoute(method, path)).toBeNull();
    }
  });

  it("keeps return_to on this site", () => {
    expect(safeReturnTo("/acme/tools/-/packages?x=1")).toBe("/acme/tools/-/packages?x=1");
    for (const bad of ["//evil.example", "/\\evil.example", "https://evil.example", "", null, "/\t/evil.example", "/\n/evil.example", "/\\/evil.example", " //evil.example"]) {
      expect(safeReturnTo(bad), JSON.stringify(bad)).toBe("/");
    }
  });
});

describe("snippets", () => {
  const base: SnippetInput = { origin: "https://pkg.example.com", projectId: 7, projectPath: "acme/tools", packageType: "npm", name: "@acme/hello", version: "1.2.3", fileNames: [], metadata: {}, packageId: 99 };

  it("writes an .npmrc for scoped and unscoped names", () => {
    const scoped = snippetsFor(base);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the .npmrc text holds a literal ${NPM_TOKEN} for npm to expand
    expect(scoped.find((s) => s.title === ".npmrc")!.code).toBe("@acme:registry=https://pkg.example.com/api/v4/projects/7/packages/npm/\n//pkg.example.com/api/v4/projects/7/packages/npm/:_authToken=${NPM_TOKEN}");
    const plain = snippetsFor({ ...base, name: "hello" });
    expect(plain.find((s) => s.title === ".npmrc")!.code.split("\n")[0]).toBe("registry=https://pkg.example.com/api/v4/projects/7/packages/npm/");
    expect(plain[0]!.code).toBe("npm install hello@1.2.3");
  });

  it("derives Maven coordinates from the package path or the metadata", () => {
    expect(mavenCoordinates("com/acme/hello-maven", {})).toEqual({ groupId: "com.acme", artifactId: "hello-maven" });
    expect(mavenCoordinates("whatever", { groupId: "org.x", artifactId: "y" })).toEqual({ groupId: "org.x", artifactId: "y" });
  });

  it("covers every format the registry serves, with the project's API URL, and falls back to the Packages API", () => {
    for (const { packageType } of FORMATS) {
      const all = snippetsFor({ ...base, packageType, name: "hello" }).map((s) => s.code).join("\n");
      expect(all, packageType).toContain("/api/v4/projects/7/packages/");
    }
    for (const unserved of ["no_such_format", "something_new"]) {
      expect(snippetsFor({ ...base, packageType: unserved })[0]!.code).toContain("/api/v4/projects/7/packages/99");
    }
  });
});
