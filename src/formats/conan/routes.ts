// Conan routes under /api/v4: v1 at project and instance level (routes-v1.ts), v2 with revisions at project
// level (routes-v2.ts). Spec: ../shared/reference/gitlab-spec.md §8; protocol: conan-io/conan
// rest_client_v1.py / rest_client_v2.py; the request sequences are in docs/formats/conan.md.
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { mountV1 } from "./routes-v1";
import { mountV2 } from "./routes-v2";

export const conanRoutes = new Hono<AppEnv>();
mountV1(conanRoutes, "project");
mountV1(conanRoutes, "instance");
mountV2(conanRoutes);
