/** Static responses of the streamer's HTTP server: security headers, the 401 page, the index page. */

/** Headers on every HTTP response (not on the WebSocket upgrade). */
export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    // Cursor images arrive as data: URLs; WebRTC video may be a blob.
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join("; "),
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "SAMEORIGIN",
  "cache-control": "no-store",
  "cross-origin-opener-policy": "same-origin",
};

/** Builds a response carrying the security headers. */
export function page(body: BodyInit | null, status: number, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...SECURITY_HEADERS, ...headers } });
}

const UNAUTHORIZED = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not authorized</title></head>
<body><h1>Not authorized</h1>
<p>This desktop session needs its access link. Open the link printed by <code>selkies-hpc</code>
(or the "Launch" button in Open OnDemand); it carries <code>?token=...</code> once and then sets a cookie.</p>
<p>If you opened the link before, the cookie may have expired or belong to an older session: open the link again.</p>
</body></html>
`;

/** The 401 page: says how to get in, never why a given secret failed. */
export function unauthorized(): Response {
  return page(UNAUTHORIZED, 401, { "content-type": "text/html; charset=utf-8" });
}

/** Escapes text for an HTML text node or attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
