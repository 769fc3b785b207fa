/** The streamer's own page: the 401 that says how to get in. */

const UNAUTHORIZED = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not authorized</title></head>
<body><h1>Not authorized</h1>
<p>This desktop session needs its access link. Open the link printed by <code>selkies-hpc</code>
(or the "Launch" button in Open OnDemand); it carries <code>?token=...</code> once and then sets a cookie.</p>
<p>If you opened the link before, the cookie may have expired or belong to an older session: open the link again.</p>
</body></html>
`;

/**
 * The 401 page: says how to get in, never why a given secret failed.
 *
 * @example
 * ```ts
 * import { unauthorized } from "./_pages.ts";
 * unauthorized().status; // 401
 * ```
 */
export function unauthorized(): Response {
  return new Response(UNAUTHORIZED, { status: 401, headers: { "content-type": "text/html; charset=utf-8" } });
}
