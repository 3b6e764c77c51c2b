// GitLab's offset pagination: page/per_page in, X-Total/X-Page/X-Per-Page/X-Next-Page/Link out.
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { AppError } from "../core/errors";

const pageParams = z.object({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
});

export interface Page {
  page: number;
  perPage: number;
  offset: number;
}

export function readPage(c: Context<AppEnv>): Page {
  const parsed = pageParams.safeParse({ page: c.req.query("page") || undefined, per_page: c.req.query("per_page") || undefined });
  if (!parsed.success) throw new AppError("bad_request", "400 Bad request - page and per_page must be positive integers (per_page at most 100)");
  return { page: parsed.data.page, perPage: parsed.data.per_page, offset: (parsed.data.page - 1) * parsed.data.per_page };
}

export function setPaginationHeaders(c: Context<AppEnv>, page: Page, total: number) {
  const totalPages = Math.max(1, Math.ceil(total / page.perPage));
  c.header("X-Total", String(total));
  c.header("X-Total-Pages", String(totalPages));
  c.header("X-Page", String(page.page));
  c.header("X-Per-Page", String(page.perPage));
  c.header("X-Next-Page", page.page < totalPages ? String(page.page + 1) : "");
  c.header("X-Prev-Page", page.page > 1 ? String(page.page - 1) : "");
  const link = (p: number, rel: string) => {
    const url = new URL(c.req.url);
    url.searchParams.set("page", String(p));
    url.searchParams.set("per_page", String(page.perPage));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links = [];
  if (page.page > 1) links.push(link(page.page - 1, "prev"));
  if (page.page < totalPages) links.push(link(page.page + 1, "next"));
  links.push(link(1, "first"), link(totalPages, "last"));
  c.header("Link", links.join(", "));
}
