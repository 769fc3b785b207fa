/**
 * SLURM time strings: parse every format `sbatch --time` accepts, and format seconds back.
 *
 * @module
 */

const UNLIMITED = /^(UNLIMITED|INFINITE)$/i;
const DAYS = /^(\d+)-(\d+)(?::(\d+))?(?::(\d+))?$/;
const CLOCK = /^(\d+)(?::(\d+))?(?::(\d+))?$/;

/**
 * Parses a SLURM time limit into seconds (`Infinity` for UNLIMITED/INFINITE); `undefined` when the
 * text is not a SLURM time. Formats: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S.
 *
 * @example
 * ```ts
 * import { parseSlurmTime } from "./_time.ts";
 * parseSlurmTime("90"); // 5400
 * parseSlurmTime("1-02"); // 93600
 * parseSlurmTime("1h"); // undefined
 * ```
 */
export function parseSlurmTime(text: string): number | undefined {
  const t = text.trim();
  if (UNLIMITED.test(t)) return Infinity;
  let m = DAYS.exec(t);
  if (m) {
    const [d, h, min, s] = [m[1], m[2], m[3] ?? "0", m[4] ?? "0"].map(Number);
    if (min > 59 || s > 59) return undefined;
    return ((d * 24 + h) * 60 + min) * 60 + s;
  }
  m = CLOCK.exec(t);
  if (!m) return undefined;
  const parts = [m[1], m[2], m[3]].filter((p) => p !== undefined).map(Number);
  if (parts.slice(1).some((p) => p > 59)) return undefined;
  if (parts.length === 1) return parts[0] * 60; // minutes
  if (parts.length === 2) return parts[0] * 60 + parts[1]; // minutes:seconds
  return (parts[0] * 60 + parts[1]) * 60 + parts[2]; // hours:minutes:seconds
}

/**
 * Formats seconds as SLURM's `[D-]HH:MM:SS` (or `UNLIMITED`).
 *
 * @example
 * ```ts
 * import { formatSlurmTime } from "./_time.ts";
 * formatSlurmTime(93600); // "1-02:00:00"
 * ```
 */
export function formatSlurmTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return "UNLIMITED";
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const two = (n: number) => String(n).padStart(2, "0");
  const clock = `${two(Math.floor(s / 3600) % 24)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
  return days ? `${days}-${clock}` : clock;
}
