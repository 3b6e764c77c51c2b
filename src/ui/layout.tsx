// The page frame: skip link, header with sign-in state, main landmark, one stylesheet, one script;
// and `renderPage`, which adds the security, caching and Server-Timing headers every page carries.
import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import type { UiContext } from "./context";
import { CSRF_FIELD } from "./csrf";
import { STYLES, COPY_SCRIPT } from "./styles";
import { urls } from "./paths";

export interface Crumb {
  label: string;
  href?: string;
}

interface PageOptions {
  title: string;
  status?: 200 | 201 | 400 | 401 | 403 | 404 | 413 | 429 | 500;
  crumbs?: Crumb[];
  body: Child;
}

export function renderPage(c: UiContext, options: PageOptions): Response | Promise<Response> {
  const ui = c.get("ui");
  c.header("Content-Security-Policy", `default-src 'none'; style-src 'nonce-${ui.nonce}'; script-src 'nonce-${ui.nonce}'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`);
  c.header("X-Frame-Options", "DENY");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "same-origin");
  c.header("Cache-Control", "private, no-store");
  c.header("Server-Timing", `d1;desc="${ui.roundTrips()} round trips, ${ui.queries()} queries", app;dur=${Date.now() - ui.started}`);
  return c.html(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${options.title} · Packyard`}</title>
        <style nonce={ui.nonce}>{raw(STYLES)}</style>
      </head>
      <body>
        <a class="skip" href="#content">
          Skip to content
        </a>
        <Header c={c} />
        <main id="content" tabindex={-1}>
          {options.crumbs?.length ? <Breadcrumbs crumbs={options.crumbs} /> : null}
          {options.body}
        </main>
        <p id="copy-status" class="sr-only" role="status" aria-live="polite"></p>
        <script nonce={ui.nonce}>{raw(COPY_SCRIPT)}</script>
      </body>
    </html>,
    options.status ?? 200,
  );
}

function Header({ c }: { c: UiContext }) {
  const ui = c.get("ui");
  return (
    <header class="top">
      <a class="brand" href={urls.home()}>
        Packyard
      </a>
      <nav aria-label="Account">
        {ui.user ? (
          <>
            <span>
              Signed in as <strong>{ui.user.username}</strong>
            </span>
            {ui.session ? (
              <form method="post" action={urls.signOut()}>
                <input type="hidden" name={CSRF_FIELD} value={ui.session.csrfToken} />
                <button type="submit">Sign out</button>
              </form>
            ) : null}
          </>
        ) : (
          <a href={urls.signIn(ui.here)}>Sign in</a>
        )}
      </nav>
    </header>
  );
}

function Breadcrumbs({ crumbs }: { crumbs: Crumb[] }) {
  return (
    <nav class="crumbs" aria-label="Breadcrumb">
      <ol>
        {crumbs.map((crumb, i) => (
          <li>{crumb.href && i < crumbs.length - 1 ? <a href={crumb.href}>{crumb.label}</a> : <span aria-current={i === crumbs.length - 1 ? "page" : undefined}>{crumb.label}</span>}</li>
        ))}
      </ol>
    </nav>
  );
}

/** A hidden field with the viewer's CSRF token; forms are only offered to viewers with a session. */
export function CsrfField({ c }: { c: UiContext }) {
  return <input type="hidden" name={CSRF_FIELD} value={c.get("ui").session?.csrfToken ?? ""} />;
}
