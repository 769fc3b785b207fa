/** Session-secret checks: the `?token=` on the page, the cookie that replaces it, timing-safe compares. */
import { createHash, timingSafeEqual } from "node:crypto";

/** What a request proved: full control, view-only, or nothing. */
export type Access = "control" | "view" | undefined;

/** Cookie name and values derived from the session secrets (the raw secret never goes in a cookie). */
export interface AuthKeys {
  cookieName: string;
  check(secret: string | undefined): Access;
  checkCookie(value: string | undefined): Access;
  cookieValue(access: "control" | "view"): string;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function same(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so timingSafeEqual never leaks the secret's length.
  return timingSafeEqual(digest(a), digest(b));
}

export function authKeys(token: string, viewOnlyToken?: string): AuthKeys {
  // Distinct per session: two sessions on one host (different ports) share cookies otherwise.
  const cookieName = `selkies_${digest(`name:${token}`).toString("hex").slice(0, 12)}`;
  const values = {
    control: digest(`cookie:control:${token}`).toString("base64url"),
    view: viewOnlyToken ? digest(`cookie:view:${viewOnlyToken}`).toString("base64url") : undefined,
  };
  return {
    cookieName,
    check(secret) {
      if (!secret) return undefined;
      if (same(secret, token)) return "control";
      if (viewOnlyToken && same(secret, viewOnlyToken)) return "view";
      return undefined;
    },
    checkCookie(value) {
      if (!value) return undefined;
      if (same(value, values.control)) return "control";
      if (values.view && same(value, values.view)) return "view";
      return undefined;
    },
    cookieValue(access) {
      return values[access] ?? values.control;
    },
  };
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether a browser's Origin names the host it connected to (directly or through a proxy). */
export function sameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  // Browsers always send Origin on WebSockets; its absence means a non-browser client, which cannot be
  // hijacked cross-site and still needs the cookie or bearer token.
  if (origin === null) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const hosts = [request.headers.get("host"), request.headers.get("x-forwarded-host")?.split(",")[0]?.trim()];
  return hosts.some((h) => h && h.toLowerCase() === host.toLowerCase());
}
