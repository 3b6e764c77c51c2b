// Server-rendered web pages (Hono JSX): package lists for the instance, projects and groups, package
// pages with install snippets, project package settings, and username/password sign-in.
// Spec: ../shared/seed/package-registry.md "View packages"; docs/ui.md.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { createUiRequest, type UiEnv } from "./context";
import { matchUiRoute } from "./paths";
import { homePage, projectPackagesPage, groupPackagesPage } from "./pages/lists";
import { packagePage } from "./pages/package";
import { settingsPage, saveAccessLevel, createDeployTokenAction, revokeDeployTokenAction } from "./pages/settings";
import { deletePackageAction, deleteFileAction } from "./pages/delete";
import { createProtectionRuleAction, deleteProtectionRuleAction } from "./pages/protection";
import { signInPage, signInAction, signOutAction } from "./pages/sign-in";
import { errorPage, notFoundPage } from "./pages/errors";

const pages = new Hono<UiEnv>();

pages.use(async (c, next) => {
  c.set("ui", createUiRequest(c as never));
  await next();
});

pages.get("/", (c) => homePage(c));
pages.get("/users/sign_in", (c) => signInPage(c));
pages.post("/users/sign_in", (c) => signInAction(c));
pages.post("/users/sign_out", (c) => signOutAction(c));

pages.on(["GET", "POST"], "*", (c) => {
  const route = matchUiRoute(c.req.method, c.req.path);
  if (!route) return notFoundPage(c);
  switch (route.page) {
    case "project_packages":
      return projectPackagesPage(c, route.projectPath);
    case "group_packages":
      return groupPackagesPage(c, route.groupPath);
    case "package":
      return packagePage(c, route.projectPath, route.packageId);
    case "delete_package":
      return deletePackageAction(c, route.projectPath, route.packageId);
    case "delete_file":
      return deleteFileAction(c, route.projectPath, route.packageId, route.fileId);
    case "settings":
      return settingsPage(c, route.projectPath);
    case "settings_access":
      return saveAccessLevel(c, route.projectPath);
    case "create_deploy_token":
      return createDeployTokenAction(c, route.projectPath);
    case "revoke_deploy_token":
      return revokeDeployTokenAction(c, route.projectPath, route.tokenId);
    case "create_protection_rule":
      return createProtectionRuleAction(c, route.projectPath, (text) => settingsPage(c, route.projectPath, { kind: "error", text }, 400));
    case "delete_protection_rule":
      return deleteProtectionRuleAction(c, route.projectPath, route.ruleId);
  }
});

pages.onError((error, c) => errorPage(c, error));

export const uiRoutes = pages as unknown as Hono<AppEnv>;
