/**
 * Password hashes for HTTP basic auth: scrypt with a random salt, stored as
 * `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`, so the config never holds a password.
 *
 * @module
 */
import { randomBytes, scrypt } from "node:crypto";
import { safeEqual } from "../../../../secrets.ts";

const derive = (password: string, salt: Buffer, n: number, r: number, p: number) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, 32, { N: n, r, p, maxmem: 256 * n * r }, (e, key) => e ? reject(e) : resolve(key))
  );

/**
 * Hashes a password for the gateway config (`selkies-hpc gateway hash-password` prints this).
 *
 * @example
 * ```ts
 * import { hashPassword, verifyPassword } from "./password.ts";
 * const stored = await hashPassword("correct horse");
 * await verifyPassword("correct horse", stored); // true
 * ```
 */
export async function hashPassword(password: string): Promise<string> {
  if (!password) throw new TypeError("refusing to hash an empty password");
  const salt = randomBytes(16);
  const key = await derive(password, salt, 16384, 8, 1);
  return `scrypt$16384$8$1$${salt.toString("base64")}$${key.toString("base64")}`;
}

/**
 * Checks a password against a stored hash (timing-safe); `false` for malformed hashes.
 *
 * @example
 * ```ts
 * import { verifyPassword } from "./password.ts";
 * await verifyPassword("x", "not-a-hash"); // false
 * ```
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  if (![n, r, p].every(Number.isInteger) || n > 1 << 20 || r > 32 || p > 16) return false;
  const expected = Buffer.from(parts[5], "base64");
  const key = await derive(password, Buffer.from(parts[4], "base64"), n, r, p);
  return safeEqual(key, expected);
}
