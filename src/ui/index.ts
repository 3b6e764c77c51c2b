// Server-rendered web pages (Hono JSX). The full interface is issue 7; this serves the landing page.
import { Hono } from "hono";
import type { AppEnv } from "../env";

export const uiRoutes = new Hono<AppEnv>();

uiRoutes.get("/", (c) =>
  c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Packyard</title></head><body><h1>Packyard</h1><p>A package registry with GitLab's API v4 layout. The API lives under <code>/api/v4</code>.</p></body></html>`,
  ),
);
