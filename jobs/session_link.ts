/**
 * A session's browser link is its address plus `?token=<secret>`. Records keep only the address
 * (jobs/record.ts strips the secret on every write); the secret stays in the session folder's 0600
 * `token` file, and the link is rebuilt from both when its owner asks for it.
 *
 * @module
 */
import { readSessionToken } from "./session_token.ts";

/**
 * The query parameter of a session link that carries its secret: links are made here, and both servers
 * (the streamer's and the gateway, through web/access/login.ts) read it.
 *
 * @example
 * ```ts
 * import { TOKEN_PARAM } from "./session_link.ts";
 * new URL("http://gpu01:8080/?token=s3cret").searchParams.get(TOKEN_PARAM); // "s3cret"
 * ```
 */
export const TOKEN_PARAM = "token";

/**
 * The address of a session without its secret.
 *
 * @example
 * ```ts
 * import { bareSessionUrl } from "./session_link.ts";
 * bareSessionUrl("http://gpu01:8080/?token=s3cret"); // "http://gpu01:8080/"
 * ```
 */
export function bareSessionUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL: keep nothing that could be the secret.
    return url.split("?")[0];
  }
  parsed.searchParams.delete(TOKEN_PARAM);
  return parsed.href;
}

/**
 * The owner's link to a session: its address with the secret added.
 *
 * @example
 * ```ts
 * import { sessionLink } from "./session_link.ts";
 * sessionLink("http://gpu01:8080/", "s3cret"); // "http://gpu01:8080/?token=s3cret"
 * ```
 */
export function sessionLink(url: string, token: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(TOKEN_PARAM, token);
  return parsed.href;
}

/**
 * Rebuilds the owner's link of a recorded session from its address and the folder's `token` file;
 * undefined when the record has no address yet or the token is gone.
 *
 * @example
 * ```ts
 * import { readSessionLink } from "./session_link.ts";
 * const link = await readSessionLink({ dir: "/home/ada/.local/share/selkies-hpc/sessions/x", url: "http://gpu01:8080/" });
 * ```
 */
export async function readSessionLink(record: { dir: string; url?: string }): Promise<string | undefined> {
  if (!record.url) return undefined;
  const token = await readSessionToken(record.dir).catch(() => undefined);
  return token ? sessionLink(record.url, token) : undefined;
}
