/**
 * Immediate process exit through libc `_exit`, skipping atexit handlers and native destructors
 * (GStreamer 1.22's libnice threads crash a normal exit about one time in ten).
 *
 * @module
 */
import { lib } from "./_lib.ts";

/**
 * Ends the process now with `code`; nothing after it runs.
 *
 * @example
 * ```ts
 * import { hardExit } from "./exit.ts";
 * hardExit(0);
 * ```
 */
export function hardExit(code: number): never {
  lib().libc._exit(code);
  throw new Error("unreachable");
}
