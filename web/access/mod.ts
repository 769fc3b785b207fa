/**
 * The browser-access layer both selkies-hpc servers share: the streamer's own HTTP server (compute node) and
 * the gateway (login node) admit browsers the same way — capability links turned into cookies, one set of
 * security headers and Content-Security-Policy, one origin check, HTML escaping, and the client's files.
 * Each server keeps only how it checks a secret (the streamer against its session's, the gateway against its
 * registry of sessions and share links).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { browserHeaders, checkOrigin } from "./mod.ts";
 * const app = new Hono();
 * app.use("*", browserHeaders(), checkOrigin());
 * ```
 *
 * @module
 */
export { browserHeaders, CONTENT_SECURITY_POLICY, type ContentSecurityPolicy } from "./headers.ts";
export { checkOrigin, originAllowed, type OriginOptions } from "./origin.ts";
export { capabilityLogin, type CapabilityLoginOptions, isHttps, type LoginCookie } from "./login.ts";
export { escapeHtml } from "./html.ts";
export { clientFiles, type ClientFilesOptions } from "./client_files.ts";
