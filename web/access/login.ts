/**
 * Capability login: a session link carries its secret once, as `?token=`; the server that checked it answers
 * with a cookie and sends the browser on to the same page without the secret, so it leaves the address bar,
 * the history and any `Referer`.
 *
 * The cookie is `HttpOnly; SameSite=Strict` (`Secure` over https) and has no `Path`: the browser scopes it to
 * the folder of the URL *it* sees, which is right whether or not a proxy stripped a prefix, and keeps the
 * sessions of one gateway (`/s/<id>/`) apart.
 *
 * @module
 */
import type { Context } from "hono";
import { setCookie } from "hono/cookie";
import { TOKEN_PARAM } from "../../jobs/session_link.ts";
import { escapeHtml } from "./html.ts";

/** The cookie that replaces a checked `?token=`. */
export interface LoginCookie {
  /** Cookie name (cookie-name characters only). */
  name: string;
  /** Cookie value: derived from, or standing for, the secret; never the secret itself. */
  value: string;
}

/** Options for {@linkcode capabilityLogin}. */
export interface CapabilityLoginOptions {
  /** Title of the hop page a cross-site arrival gets. @default {"selkies-hpc"} */
  title?: string;
}

/**
 * Answers a request whose `?token=` the caller has checked: sets the cookie and redirects (303) to the same
 * page without the token. A browser that arrived from another site (a link in mail or chat) would withhold a
 * `SameSite=Strict` cookie along that redirect chain, so it gets a small page that navigates on instead.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { capabilityLogin } from "./login.ts";
 * const app = new Hono().get("/s/x/", (c) => capabilityLogin(c, { name: "grant", value: "g1" }));
 * const res = await app.request("/s/x/?token=s3cret&transport=webrtc");
 * res.headers.get("location"); // "./?transport=webrtc"
 * ```
 */
export function capabilityLogin(
  c: Context,
  cookie: LoginCookie,
  options: CapabilityLoginOptions = {},
): Response {
  const url = new URL(c.req.url);
  url.searchParams.delete(TOKEN_PARAM);
  const location = `./${url.search}`;
  // Hono's setCookie defaults Path to "/"; an explicit undefined leaves it out (see the module doc).
  setCookie(c, cookie.name, cookie.value, {
    path: undefined,
    httpOnly: true,
    sameSite: "Strict",
    secure: isHttps(c.req.raw),
  });
  const site = c.req.header("sec-fetch-site");
  if (site === undefined || site === "none" || site === "same-origin") return c.body(null, 303, { location });
  const title = escapeHtml(options.title ?? "selkies-hpc"), href = escapeHtml(location);
  return c.html(
    `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}">` +
      `<title>${title}</title><a href="${href}">Continue</a>\n`,
  );
}

/**
 * Whether the browser reached this server over https: directly, or through a proxy that says so with
 * `X-Forwarded-Proto` (Open OnDemand, the site's nginx).
 *
 * @example
 * ```ts
 * import { isHttps } from "./login.ts";
 * isHttps(new Request("http://node:8080/", { headers: { "x-forwarded-proto": "https" } })); // true
 * ```
 */
export function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}
