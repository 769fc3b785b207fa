/** Small crypto helpers shared by the gateway's auth pieces. */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A random URL-safe secret of `bytes` bytes. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** sha256 of a secret, base64url: what the gateway keeps instead of the secret. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** Timing-safe comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a), y = new TextEncoder().encode(b);
  return x.byteLength === y.byteLength && timingSafeEqual(x, y);
}
