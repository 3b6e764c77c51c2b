// Error pages: 404 for anything the viewer may not see (with a sign-in hint for anonymous viewers, which
// reveals nothing), 403 for refused forms, 400 for bad input, 500 with the request id only.
import { AppError, statusOf } from "../../core/errors";
import { toAppError } from "../../http/errors";
import type { UiContext } from "../context";
import { renderPage } from "../layout";
import { urls } from "../paths";

export function notFoundPage(c: UiContext) {
  const ui = c.get("ui");
  return renderPage(c, {
    title: "Not found",
    status: 404,
    body: (
      <>
        <h1>Page not found</h1>
        <p>This page does not exist, or you do not have access to it.</p>
        {ui.user ? null : (
          <p>
            <a href={urls.signIn(ui.here)}>Sign in</a> to see private projects you are a member of.
          </p>
        )}
        <p>
          <a href={urls.home()}>Browse packages</a>
        </p>
      </>
    ),
  });
}

export function errorPage(c: UiContext, error: unknown) {
  const appError = error instanceof AppError ? error : toAppError(c as never, error);
  if (appError.code === "not_found" || appError.code === "unauthorized") return notFoundPage(c);
  const status = statusOf(appError.code);
  const shown = status === 403 || status === 400 || status === 413 || status === 500 ? status : 400;
  const title =
    appError.code === "registry_disabled" ? "Package registry disabled" : status === 403 ? "Not allowed" : status === 413 ? "Too large" : status === 500 ? "Something went wrong" : "Bad request";
  const message = appError.code === "registry_disabled" ? "The package registry is disabled for this project." : appError.message;
  return renderPage(c, {
    title,
    status: shown,
    body: (
      <>
        <h1>{title}</h1>
        <p>{message}</p>
        <p>
          <a href={urls.home()}>Browse packages</a>
        </p>
      </>
    ),
  });
}
