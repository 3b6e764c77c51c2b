// GitLab's offset pagination: page/per_page in, X-Total/X-Page/X-Per-Page/X-Next-Page/Link out.
import type { Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { AppError } from "../core/errors";

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;

/** As GitLab: `per_page` above 100 is 100, `page` below 1 is 1; only a value that is not an integer is a 400. */
const pageParams = z.object({
  page: z.coerce.number().int().default(1).transform((n) => Math.max(n, 1)),
  per_page: z.coerce
    .number()
    .int()
    .default(DEFAULT_PER_PAGE)
    .transform((n) => (n < 1 ? DEFAULT_PER_PAGE : Math.min(n, MAX_PER_PAGE))),
});

export interface Page {
  page: number;
  perPage: number;
  offset: number;
}

export function readPage(c: Context<AppEnv>): Page {
  const parsed = pageParams.safeParse({ page: c.req.query("page") || undefined, per_page: c.req.query("per_page") || undefined });
  if (!parsed.success) throw new AppError("bad_request", "400 Bad request - page and per_page must be integers");
  return { page: parsed.data.page, perPage: parsed.data.per_page, offset: (parsed.data.page - 1) * parsed.data.per_page };
}

/** One page of a list already read whole (lists bounded by a project or group), with GitLab's headers. */
export function paginateList<T>(c: Context<AppEnv>, items: T[]): T[] {
  const page = readPage(c);
  setPaginationHeaders(c, page, items.length);
  return items.slice(page.offset, page.offset + page.perPage);
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
