/**
 * How the streamer checks a browser's secret: the session secret or the view-only secret, shown once as
 * `?token=` (or as `Authorization: Bearer`), then a cookie whose name and values derive from the secrets, so
 * it stays valid across a restart of the same session and the raw secret never goes into a cookie.
 *
 * @module
 */
import { safeEqual, sha256 } from "../../secrets.ts";

/** What a request proved: full control, view-only, or nothing. */
export type Access = "control" | "view" | undefined;

/** Cookie name and values derived from the session secrets. */
export interface AuthKeys {
  /** Distinct per session: two sessions on one host (different ports) would share one cookie otherwise. */
  cookieName: string;
  /** What a presented secret grants. */
  check(secret: string | undefined): Access;
  /** What a presented cookie value grants. */
  checkCookie(value: string | undefined): Access;
  /** The cookie value that stands for `access`. */
  cookieValue(access: "control" | "view"): string;
}

/**
 * Derives the cookie and the checks of one session from its secret and optional view-only secret.
 *
 * @example
 * ```ts
 * import { authKeys } from "./_auth.ts";
 * const keys = authKeys("s3cret", "look");
 * keys.check("look"); // "view"
 * keys.checkCookie(keys.cookieValue("control")); // "control"
 * ```
 */
export function authKeys(token: string, viewOnlyToken?: string): AuthKeys {
  const cookieName = `selkies_${sha256(`name:${token}`).slice(0, 12)}`;
  const values = {
    control: sha256(`cookie:control:${token}`),
    view: viewOnlyToken ? sha256(`cookie:view:${viewOnlyToken}`) : undefined,
  };
  return {
    cookieName,
    check(secret) {
      if (!secret) return undefined;
      if (safeEqual(secret, token)) return "control";
      if (viewOnlyToken && safeEqual(secret, viewOnlyToken)) return "view";
      return undefined;
    },
    checkCookie(value) {
      if (!value) return undefined;
      if (safeEqual(value, values.control)) return "control";
      if (values.view && safeEqual(value, values.view)) return "view";
      return undefined;
    },
    cookieValue(access) {
      return values[access] ?? values.control;
    },
  };
}
