/** Small crypto helpers shared by the gateway's auth pieces. */
import { timingSafeEqual } from "node:crypto";

export { newSecret as randomToken } from "../../jobs/record.ts";
/** sha256 of a secret, base64url: what the gateway keeps instead of the secret. */
export { hashSessionSecret as hashToken } from "../../protocol/tunnel.ts";

/** Timing-safe comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a), y = new TextEncoder().encode(b);
  return x.byteLength === y.byteLength && timingSafeEqual(x, y);
}
