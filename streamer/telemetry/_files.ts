// Small file reads of the telemetry: procfs and cgroupfs answer from memory, so they are synchronous.

/** The text of `path`, or "" when it cannot be read (gone, not there, not ours). */
export function readOr(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}
