// The package page: versions, files with sizes and sha256, install and configuration snippets, who
// published it and when, the last five CI builds, and delete buttons for those allowed.
// Spec: ../shared/seed/package-registry.md "View packages", "Use GitLab CI/CD" (five updates).
import type { UiContext } from "../context";
import { CsrfField, renderPage } from "../layout";
import { allows, loadProjectPage } from "../access";
import { getPackageDetails, type PackageDetails } from "../package-data";
import { snippetsFor, type Snippet } from "../snippets";
import { formatBytes, formatDate, typeName } from "../format";
import { namespaceCrumbs } from "./lists";
import { urls } from "../paths";
import { AppError } from "../../core/errors";

/** GET /<project>/-/packages/<id> */
export async function packagePage(c: UiContext, projectPath: string, packageId: number) {
  const ui = c.get("ui");
  const ctx = await loadProjectPage(ui, projectPath, "read_package");
  const details = await getPackageDetails(ui.registry.db, ctx.project.id, packageId);
  if (!details) throw new AppError("not_found", "Page not found");
  const { pkg } = details;
  const canDeletePackage = !!ui.session && allows(ui.actor, ctx, "destroy_package");
  const canDeleteFile = !!ui.session && allows(ui.actor, ctx, "destroy_package_file");
  const snippets = snippetsFor({
    origin: ui.origin,
    projectId: ctx.project.id,
    projectPath: ctx.project.fullPath,
    packageType: pkg.packageType,
    name: pkg.name,
    version: pkg.version,
    fileNames: [...new Set(details.files.map((f) => f.fileName))],
    metadata: pkg.metadata,
    packageId: pkg.id,
  });
  const listUrl = urls.projectPackages(ctx.project.fullPath);
  const deleted = c.req.query("deleted_file");
  return renderPage(c, {
    title: `${pkg.name} ${pkg.version}`,
    crumbs: [...namespaceCrumbs(ctx.namespace.fullPath, ctx.namespace.kind === "group"), { label: ctx.project.name, href: listUrl }, { label: "Package Registry", href: listUrl }, { label: `${pkg.name} ${pkg.version}` }],
    body: (
      <>
        <h1>
          {pkg.name} <span class="muted">{pkg.version}</span>
        </h1>
        {deleted ? <p class="notice ok" role="status">The file was deleted.</p> : null}
        {pkg.status !== "default" ? <p class="notice info">This version's status is {pkg.status}.</p> : null}
        <div class="grid">
          <div>
            <Summary c={c} details={details} />
            <section aria-labelledby="install-heading">
              <h2 id="install-heading">Installation</h2>
              {snippets.map((s, i) => (
                <SnippetBlock snippet={s} id={`snippet-${i}`} />
              ))}
            </section>
            <Files c={c} details={details} projectPath={ctx.project.fullPath} canDelete={canDeleteFile} />
            <Builds details={details} />
          </div>
          <div>
            <Versions details={details} projectPath={ctx.project.fullPath} />
            {canDeletePackage ? (
              <section aria-labelledby="danger-heading">
                <h2 id="danger-heading">Delete</h2>
                <form method="post" action={urls.deletePackage(ctx.project.fullPath, pkg.id)}>
                  <CsrfField c={c} />
                  <p>Deleting removes version {pkg.version} and its files. Clients can no longer install it.</p>
                  <button type="submit" class="danger">
                    Delete version {pkg.version}
                  </button>
                </form>
              </section>
            ) : null}
          </div>
        </div>
      </>
    ),
  });
}

function Summary({ details }: { c: UiContext; details: PackageDetails }) {
  const { pkg, creator, tags } = details;
  const myTags = tags.filter((t) => t.packageId === pkg.id).map((t) => t.tag);
  return (
    <section aria-labelledby="summary-heading">
      <h2 id="summary-heading" class="sr-only">
        Summary
      </h2>
      <dl class="facts">
        <dt>Type</dt>
        <dd>{typeName(pkg.packageType)}</dd>
        <dt>Published</dt>
        <dd>
          <time datetime={pkg.createdAt.toISOString()}>{formatDate(pkg.createdAt)}</time>
          {creator ? ` by ${creator.name} (@${creator.username})` : ""}
        </dd>
        {myTags.length ? (
          <>
            <dt>Tags</dt>
            <dd>
              {myTags.map((t) => (
                <span class="badge">{t}</span>
              ))}
            </dd>
          </>
        ) : null}
        {typeof pkg.metadata.description === "string" && pkg.metadata.description ? (
          <>
            <dt>Description</dt>
            <dd>{pkg.metadata.description.slice(0, 500)}</dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

function SnippetBlock({ snippet, id }: { snippet: Snippet; id: string }) {
  return (
    <div class="snippet">
      <div class="snippet-head">
        <h3 id={`${id}-title`}>{snippet.title}</h3>
        <button type="button" class="secondary" data-copy={id} hidden aria-describedby={`${id}-title`}>
          Copy
        </button>
      </div>
      {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: kept as is in the strictness pass; naming the focusable block (e.g. role="region") is a UI decision */}
      <pre aria-labelledby={`${id}-title`} tabindex={0}>
        <code id={id} class={`language-${snippet.language}`}>
          {snippet.code}
        </code>
      </pre>
    </div>
  );
}

function Files({ c, details, projectPath, canDelete }: { c: UiContext; details: PackageDetails; projectPath: string; canDelete: boolean }) {
  return (
    <section aria-labelledby="files-heading">
      <h2 id="files-heading">Files</h2>
      {details.files.length === 0 ? (
        <p class="muted">This version has no files.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Size</th>
                <th scope="col">SHA-256</th>
                <th scope="col" class="opt">
                  Uploaded
                </th>
                {canDelete ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {details.files.map((f) => (
                <tr>
                  <td>
                    <code>{f.fileName}</code>
                  </td>
                  <td class="num" title={`${f.size} bytes`}>
                    {formatBytes(f.size)}
                  </td>
                  <td>
                    <code>{f.sha256}</code>
                  </td>
                  <td class="num opt">{f.createdAt.toISOString().slice(0, 10)}</td>
                  {canDelete ? (
                    <td>
                      <form method="post" action={urls.deleteFile(projectPath, details.pkg.id, f.id)} class="inline">
                        <CsrfField c={c} />
                        <button type="submit" class="danger" aria-label={`Delete file ${f.fileName}`}>
                          Delete
                        </button>
                      </form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A CI run's page, linked only when it is an http(s) URL. */
function webLink(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : null;
  } catch {
    return null;
  }
}

function Builds({ details }: { details: PackageDetails }) {
  return (
    <section aria-labelledby="builds-heading">
      <h2 id="builds-heading">Build history</h2>
      {details.builds.length === 0 ? (
        <p class="muted">Not published from a CI pipeline.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">The last five CI builds that updated this package</caption>
            <thead>
              <tr>
                <th scope="col">Pipeline</th>
                <th scope="col">Ref</th>
                <th scope="col">Commit</th>
                <th scope="col">Workflow</th>
                <th scope="col">Triggered by</th>
                <th scope="col" class="opt">
                  When
                </th>
              </tr>
            </thead>
            <tbody>
              {details.builds.map((b) => (
                <tr>
                  <td>
                    {webLink(b.info.pipelineUrl) ? (
                      <a href={webLink(b.info.pipelineUrl)!} rel="noopener noreferrer nofollow">
                        #{b.info.pipelineId}
                      </a>
                    ) : (
                      <>#{b.info.pipelineId}</>
                    )}
                  </td>
                  <td>
                    <code class="nowrap">{b.info.ref}</code>
                  </td>
                  <td>
                    <code class="nowrap" title={b.info.sha}>{b.info.sha.slice(0, 8)}</code>
                  </td>
                  <td>{b.info.workflow ? <code class="nowrap">{b.info.workflow}</code> : ""}</td>
                  <td>{b.username ? `${b.userName} (@${b.username})` : b.info.identity ? <span title="CI identity of the trusted publisher (the ID token's sub)">{b.info.identity}</span> : "unknown"}</td>
                  <td class="num opt">{formatDate(b.info.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Versions({ details, projectPath }: { details: PackageDetails; projectPath: string }) {
  return (
    <section aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions</h2>
      <ul>
        {details.versions.map((v) => (
          <li>
            {v.id === details.pkg.id ? (
              <strong aria-current="page">{v.version}</strong>
            ) : (
              <a href={urls.package(projectPath, v.id)}>{v.version}</a>
            )}{" "}
            <span class="muted">{v.createdAt.toISOString().slice(0, 10)}</span>
            {v.status !== "default" ? <span class="badge"> {v.status}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
