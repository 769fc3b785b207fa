/**
 * Hostile HTTP requests for fuzzing a Hono app in-process (`app.fetch(request, env)`): random methods,
 * route paths bent with traversal, encodings, odd and very long segments, query strings with right and
 * wrong tokens, junk cookies, authorization and `X-Forwarded-For` headers, and random bodies. Each request
 * says whether it carried a valid credential, so a test can check that nothing is granted without one.
 *
 * @module
 */
import { oddString, type Rng } from "./_gen.ts";
import { randomJson } from "./_json.ts";

/** What a site offers the generator: its routes and the credentials that are valid there. */
export interface HttpSurface {
  /** Base URL of the app, e.g. `http://gw.test`. */
  base: string;
  /** Paths of its routes, e.g. `/s/<id>/share`. */
  paths: string[];
  /** Query strings that carry a valid credential, e.g. `token=...`. */
  goodQueries: string[];
  /** Header sets that carry a valid credential (cookie, bearer, trusted user header). */
  goodHeaders: Record<string, string>[];
  /** Client addresses the requests come from (as the connection info names them). */
  peers: string[];
}

/** One generated request. */
export interface HostileRequest {
  request: Request;
  /** The connection info Deno.serve would pass (Hono's `env`). */
  env: { remoteAddr: { hostname: string; port: number; transport: "tcp" } };
  /** Whether a valid credential went with it. */
  credentialed: boolean;
  /** Method and URL, for reports. */
  summary: string;
}

const METHODS = ["GET", "GET", "GET", "POST", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD", "FUZZ"];
const SEGMENTS = [
  "..",
  ".",
  "%2e%2e",
  "%2E%2E%2F",
  "..%2f",
  "%00",
  "%ff",
  "%",
  "%zz",
  "",
  "~",
  "s",
  "ws",
  "share",
  "metrics",
  "healthz",
  "client.js",
  "styles.css",
  "index.html",
  "api",
  "launch",
  "cancel",
  ".env",
  "%252e%252e",
];

/** Percent-encodes any string (lone surrogates become U+FFFD, as a browser's UTF-8 would make them). */
function encode(text: string): string {
  return encodeURIComponent(text.toWellFormed());
}

/** A header value Headers accepts (Latin-1, no CR, LF or NUL), however odd. */
function headerValue(text: string): string {
  return text.replace(/[^\x20-\x7e\x80-\xff\t]/g, "?").trim();
}

function bentPath(rng: Rng, path: string): string {
  const parts = path.split("/");
  for (let n = rng.length(3); n > 0; n--) {
    const at = rng.int(parts.length + 1);
    switch (rng.int(5)) {
      case 0:
        parts.splice(at, 0, rng.pick(SEGMENTS));
        break;
      case 1:
        parts.splice(at, 1);
        break;
      case 2:
        parts.splice(at, 0, encode(oddString(rng).slice(0, 512)));
        break;
      case 3:
        if (parts.length) parts[at % parts.length] = parts[at % parts.length].toUpperCase();
        break;
      default:
        parts.splice(at, 0, "a".repeat(rng.chance(0.05) ? 65536 : rng.pick([255, 256, 4096])));
    }
  }
  return parts.join("/");
}

function query(rng: Rng, surface: HttpSurface): { text: string; good: boolean } {
  const params: string[] = [];
  let good = false;
  for (let n = rng.length(4); n > 0; n--) {
    if (rng.chance(0.3) && surface.goodQueries.length) {
      params.push(rng.pick(surface.goodQueries));
      good = true;
    } else {
      const key = rng.pick(["token", "token", "transport", "share", oddString(rng)]);
      params.push(`${encode(key.slice(0, 256))}=${encode(oddString(rng).slice(0, 1024))}`);
    }
  }
  return {
    text: params.length ? `?${params.join("&")}` : rng.pick(["", "?", "?&&", "?token", "?token="]),
    good,
  };
}

function headers(rng: Rng, surface: HttpSurface): { headers: Headers; good: boolean } {
  const out = new Headers();
  const goodNames = new Set<string>();
  if (rng.chance(0.25) && surface.goodHeaders.length) {
    for (const [k, v] of Object.entries(rng.pick(surface.goodHeaders))) out.set(k, v), goodNames.add(k);
  }
  let good = goodNames.size > 0;
  const junk: [string, () => string][] = [
    [
      "cookie",
      () =>
        rng.pick([
          `selkies_x=${oddString(rng)}`,
          `a=b; ${oddString(rng)}`,
          "=",
          ";;;",
          rng.chance(0.1) ? "x".repeat(8192) : "x=y",
        ]),
    ],
    [
      "authorization",
      () =>
        rng.pick([
          "Bearer ",
          `Bearer ${oddString(rng)}`,
          `Basic ${btoa(headerValue(oddString(rng)))}`,
          "Basic !!!",
          oddString(rng),
        ]),
    ],
    [
      "x-forwarded-for",
      () =>
        rng.pick([
          "1.2.3.4, 5.6.7.8",
          "::1",
          "unknown",
          ",,,",
          "127.0.0.1",
          oddString(rng),
          rng.chance(0.1) ? "1.1.1.1,".repeat(1000) : "1.1.1.1,",
        ]),
    ],
    ["x-remote-user", () => rng.pick(["ada", "root", "", "../ada", oddString(rng)])],
    ["origin", () => rng.pick([surface.base, "null", "https://evil.example", oddString(rng)])],
    [
      "content-type",
      () => rng.pick(["application/json", "text/plain", "multipart/form-data; boundary=x", oddString(rng)]),
    ],
    ["accept", () => oddString(rng)],
  ];
  for (let n = rng.length(5); n > 0; n--) {
    const [name, value] = rng.pick(junk);
    // Junk appended to a good header set spoils it (a wrong cookie next to a right one is still wrong).
    if (goodNames.has(name)) good = false;
    out.set(name, headerValue(value()));
  }
  return { headers: out, good };
}

/**
 * One hostile request to `surface`.
 *
 * @example
 * ```ts
 * import { hostileRequest } from "./_http.ts";
 * import { Rng } from "./_gen.ts";
 * const surface = { base: "http://app.test", paths: ["/healthz"], goodQueries: [], goodHeaders: [], peers: ["10.0.0.1"] };
 * hostileRequest(new Rng(1), surface).request.url.startsWith("http://app.test"); // true
 * ```
 */
export function hostileRequest(rng: Rng, surface: HttpSurface): HostileRequest {
  const method = rng.pick(METHODS);
  const path = rng.chance(0.3) ? rng.pick(surface.paths) : bentPath(rng, rng.pick(surface.paths));
  const q = query(rng, surface);
  const h = headers(rng, surface);
  let body: string | undefined;
  if (method !== "GET" && method !== "HEAD" && rng.chance(0.7)) {
    body = rng.chance(0.5) ? JSON.stringify(randomJson(rng)) ?? "" : oddString(rng);
  }
  let url: URL;
  try {
    url = new URL(`${path.startsWith("/") ? "" : "/"}${path}${q.text}`, surface.base);
  } catch {
    url = new URL("/%", surface.base);
  }
  const hostname = rng.pick(surface.peers);
  return {
    request: new Request(url, { method, headers: h.headers, body }),
    env: { remoteAddr: { hostname, port: 40000, transport: "tcp" } },
    credentialed: q.good || h.good,
    summary: `${method} ${url.pathname.slice(0, 120)}${url.search.slice(0, 80)} from ${hostname}`,
  };
}
