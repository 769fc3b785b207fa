/**
 * Output helpers shared by the commands: results go to stdout (text or `--json`), progress and
 * hints to stderr, so `--json` output always parses.
 *
 * @module
 */
import { message } from "@optique/core/message";
import { withDefault } from "@optique/core/modifiers";
import { flag } from "@optique/core/primitives";
import { formatSlurmTime } from "../jobs/resources.ts";

const encoder = new TextEncoder();

/**
 * The `--json` flag every read command takes.
 *
 * @example
 * ```ts
 * import { jsonFlag } from "./_output.ts";
 * const json = jsonFlag();
 * ```
 */
export function jsonFlag() {
  return withDefault(flag("--json", { description: message`print machine-readable JSON on stdout` }), false);
}

/**
 * Writes one line to stdout.
 *
 * @example
 * ```ts
 * import { out } from "./_output.ts";
 * out("hello");
 * ```
 */
export function out(line: string): void {
  Deno.stdout.writeSync(encoder.encode(line + "\n"));
}

/**
 * Writes one line to stderr (progress, hints).
 *
 * @example
 * ```ts
 * import { note } from "./_output.ts";
 * note("submitted 42");
 * ```
 */
export function note(line: string): void {
  Deno.stderr.writeSync(encoder.encode(line + "\n"));
}

/**
 * Writes a value as pretty JSON to stdout.
 *
 * @example
 * ```ts
 * import { outJson } from "./_output.ts";
 * outJson({ ok: true });
 * ```
 */
export function outJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/**
 * Formats rows as a left-aligned text table with a header.
 *
 * @example
 * ```ts
 * import { table } from "./_output.ts";
 * table(["ID", "STATE"], [["42", "RUNNING"]]); // "ID  STATE\n42  RUNNING"
 * ```
 */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [headers, ...rows].map((r) => r.map((c, i) => (c ?? "").padEnd(widths[i])).join("  ").trimEnd())
    .join("\n");
}

/**
 * Formats seconds like SLURM does (`1-02:00:00`), `-` when unknown.
 *
 * @example
 * ```ts
 * import { duration } from "./_output.ts";
 * duration(3600); // "01:00:00"
 * ```
 */
export function duration(seconds: number | undefined): string {
  return seconds === undefined ? "-" : formatSlurmTime(seconds);
}
