// The state of a package list page (search, type filter, sort, page) read from and written to the URL
// query, so a copied URL reproduces the exact view. Pure: no Hono, drizzle or Workers imports.
// Spec: ../shared/seed/package-registry.md "View packages" (search, sort, filter; share by URL).

export const ORDER_FIELDS = ["created_at", "name", "version", "type", "project_path"] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];
export type SortDirection = "asc" | "desc";

export const ORDER_LABELS: Record<OrderField, string> = {
  created_at: "Published",
  name: "Name",
  version: "Version",
  type: "Type",
  project_path: "Project",
};

export const PER_PAGE = 20;
const MAX_PAGE = 10_000;

export interface ListState {
  search: string;
  type: string;
  orderBy: OrderField;
  sort: SortDirection;
  page: number;
}

export const DEFAULT_STATE: ListState = { search: "", type: "", orderBy: "created_at", sort: "desc", page: 1 };

/** Read the list state from query parameters; anything unknown falls back to the default. */
export function parseListState(query: URLSearchParams, allowProjectOrder: boolean): ListState {
  const search = (query.get("search") ?? "").trim().slice(0, 255);
  const rawType = query.get("type") ?? "";
  const type = /^[a-z_]{1,32}$/.test(rawType) ? rawType : "";
  const rawOrder = query.get("order_by") as OrderField | null;
  const orderBy = rawOrder && ORDER_FIELDS.includes(rawOrder) && (allowProjectOrder || rawOrder !== "project_path") ? rawOrder : DEFAULT_STATE.orderBy;
  const sort: SortDirection = query.get("sort") === "asc" ? "asc" : query.get("sort") === "desc" ? "desc" : DEFAULT_STATE.sort;
  const pageNumber = Number.parseInt(query.get("page") ?? "1", 10);
  const page = Number.isFinite(pageNumber) && pageNumber >= 1 ? Math.min(pageNumber, MAX_PAGE) : 1;
  return { search, type, orderBy, sort, page };
}

/** The query string for a state, leaving out defaults so URLs stay short and canonical. */
export function listQueryString(state: ListState, overrides: Partial<ListState> = {}): string {
  const merged = { ...state, ...overrides };
  const params = new URLSearchParams();
  if (merged.search) params.set("search", merged.search);
  if (merged.type) params.set("type", merged.type);
  if (merged.orderBy !== DEFAULT_STATE.orderBy) params.set("order_by", merged.orderBy);
  if (merged.sort !== DEFAULT_STATE.sort) params.set("sort", merged.sort);
  if (merged.page !== 1) params.set("page", String(merged.page));
  const text = params.toString();
  return text ? `?${text}` : "";
}

export interface PageWindow {
  page: number;
  pageCount: number;
  offset: number;
  limit: number;
  first: number;
  last: number;
}

/** Which rows a page shows (1-based, clamped to the last page). */
export function pageWindow(state: ListState, total: number): PageWindow {
  const pageCount = Math.max(1, Math.ceil(total / PER_PAGE));
  const page = Math.min(state.page, pageCount);
  const offset = (page - 1) * PER_PAGE;
  return { page, pageCount, offset, limit: PER_PAGE, first: total === 0 ? 0 : offset + 1, last: Math.min(total, offset + PER_PAGE) };
}
