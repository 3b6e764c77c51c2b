// Pieces shared by the list pages: the search/filter/sort form (a plain GET form, so it works without
// JavaScript and its result is a shareable URL), the package table and the pager.
import { ORDER_FIELDS, ORDER_LABELS, listQueryString, pageWindow, type ListState } from "./list-query";
import type { ListedPackage, PackagePage } from "./list-data";
import { formatDate, typeName } from "./format";
import { urls } from "./paths";

export function ListFilters({ state, types, withProject, action }: { state: ListState; types: string[]; withProject: boolean; action: string }) {
  const typeOptions = state.type && !types.includes(state.type) ? [...types, state.type] : types;
  return (
    // biome-ignore lint/a11y/useSemanticElements: <form role="search"> is the widely supported form of the newer <search> landmark
    <form class="filters" method="get" action={action} role="search" aria-label="Filter packages">
      <div class="grow">
        <label for="search">Search by name</label>
        <input id="search" name="search" type="search" value={state.search} placeholder="e.g. hello" />
      </div>
      <div>
        <label for="type">Type</label>
        <select id="type" name="type">
          <option value="" selected={!state.type}>
            All types
          </option>
          {typeOptions.map((t) => (
            <option value={t} selected={state.type === t}>
              {typeName(t)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="order_by">Sort by</label>
        <select id="order_by" name="order_by">
          {ORDER_FIELDS.filter((f) => withProject || f !== "project_path").map((f) => (
            <option value={f} selected={state.orderBy === f}>
              {ORDER_LABELS[f]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="sort">Order</label>
        <select id="sort" name="sort">
          <option value="desc" selected={state.sort === "desc"}>
            Descending
          </option>
          <option value="asc" selected={state.sort === "asc"}>
            Ascending
          </option>
        </select>
      </div>
      <button type="submit">Apply</button>
      {listQueryString(state, { page: 1 }) ? (
        <a href={action} class="reset">
          Reset
        </a>
      ) : null}
    </form>
  );
}

export function PackageTable({ page, withProject, caption }: { page: PackagePage; withProject: boolean; caption: string }) {
  if (page.rows.length === 0) return <p class="notice info">No packages match.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Version</th>
            <th scope="col">Type</th>
            {withProject ? <th scope="col">Project</th> : null}
            <th scope="col" class="opt">
              Published
            </th>
          </tr>
        </thead>
        <tbody>
          {page.rows.map((row) => (
            <PackageRow row={row} withProject={withProject} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PackageRow({ row, withProject }: { row: ListedPackage; withProject: boolean }) {
  return (
    <tr>
      <td>
        <a href={urls.package(row.projectPath, row.id)}>{row.name}</a>
        {row.status !== "default" ? <span class={row.status === "error" ? "badge warn" : "badge"}> {row.status}</span> : null}
      </td>
      <td>
        <code>{row.version}</code>
      </td>
      <td>{typeName(row.packageType)}</td>
      {withProject ? (
        <td>
          <a href={urls.projectPackages(row.projectPath)}>{row.projectPath}</a>
        </td>
      ) : null}
      <td class="num opt">
        <time datetime={row.createdAt.toISOString()}>{row.createdAt.toISOString().slice(0, 10)}</time>
      </td>
    </tr>
  );
}

export function Pager({ state, total, action }: { state: ListState; total: number; action: string }) {
  const window = pageWindow(state, total);
  const link = (page: number) => `${action}${listQueryString(state, { page })}`;
  return (
    <nav class="pager" aria-label="Pagination">
      <p class="muted" id="result-count">
        {total === 0 ? "0 packages" : `Showing ${window.first}–${window.last} of ${total} package${total === 1 ? "" : "s"}`}
        {state.page > window.pageCount ? ` (page ${state.page} is past the end)` : ""}
      </p>
      {window.pageCount > 1 || state.page > 1 ? (
        <ul>
          {state.page > 1 ? (
            <li>
              <a href={link(Math.min(state.page - 1, window.pageCount))} rel="prev">
                Previous
              </a>
            </li>
          ) : null}
          <li aria-current="page">
            Page {Math.min(state.page, window.pageCount)} of {window.pageCount}
          </li>
          {state.page < window.pageCount ? (
            <li>
              <a href={link(state.page + 1)} rel="next">
                Next
              </a>
            </li>
          ) : null}
        </ul>
      ) : null}
    </nav>
  );
}

export { formatDate };
