/**
 * Creates a MUNGE credential over a payload with the `munge` client. The payload travels on stdin
 * and the credential comes back on stdout, so neither ever appears in argv.
 *
 * @module
 */
import { SelkiesError } from "../../errors.ts";

/**
 * Raised when `munge` is missing or munged refuses to encode. Exit code 2.
 *
 * @example
 * ```ts
 * import { MungeError } from "./_munge.ts";
 * throw new MungeError("cannot run munge (install the munge package on compute nodes): NotFound");
 * ```
 */
export class MungeError extends SelkiesError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 2, options);
  }
}

/** Encodes `payload` into a MUNGE credential through `socket` (munged's default socket when unset). */
export async function mungeEncode(payload: string, socket?: string, signal?: AbortSignal): Promise<string> {
  const args = socket ? ["--socket", socket] : [];
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("munge", { args, stdin: "piped", stdout: "piped", stderr: "piped", signal })
      .spawn();
  } catch (error) {
    throw new MungeError(`cannot run munge (install the munge package on compute nodes): ${error}`);
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(payload));
  await writer.close();
  const out = await child.output();
  if (!out.success) {
    const why = new TextDecoder().decode(out.stderr).trim();
    throw new MungeError(`munge failed (is munged running and SELKIES_MUNGE_SOCKET right?): ${why}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}
