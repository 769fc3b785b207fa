/**
 * Quoting for the rendered sbatch script: shell words are single-quoted so nothing in them runs;
 * `#SBATCH` values are checked, never quoted, because sbatch reads those lines itself.
 *
 * @module
 */
import { SpecError } from "./errors.ts";

/** Words that need no quoting: nothing in them means anything to the shell. */
const PLAIN = /^[A-Za-z0-9_.,:=@%+\/-]+$/;

/**
 * Quotes a value as one inert shell word (`'...'`, with `'` written as `'\''`); plain words such as
 * `--fps` or `/opt/x` are left as they are for readability.
 * Throws {@linkcode SpecError} on a NUL byte, which no shell word can hold.
 *
 * @example
 * ```ts
 * import { shellQuote } from "./_quote.ts";
 * shellQuote("it's $(rm -rf ~)"); // "'it'\\''s $(rm -rf ~)'"
 * ```
 */
export function shellQuote(value: string): string {
  if (value.includes("\0")) throw new SpecError("a value contains a NUL byte, which cannot be passed on");
  if (PLAIN.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Anything sbatch would split, unquote or misread on an `#SBATCH` line. */
// deno-lint-ignore no-control-regex
const UNSAFE_SBATCH = /[\s\x00-\x1f\x7f"'`\\$]/;

/**
 * Returns `#SBATCH --name=value` (or `#SBATCH --name` for `true`) after checking the value holds no
 * whitespace, control character, quote or shell metacharacter; throws {@linkcode SpecError} otherwise.
 *
 * @example
 * ```ts
 * import { sbatchLine } from "./_quote.ts";
 * sbatchLine("partition", "gpu"); // "#SBATCH --partition=gpu"
 * ```
 */
export function sbatchLine(name: string, value: string | number | true): string {
  if (!/^[a-z][a-z-]*$/.test(name)) throw new SpecError(`invalid sbatch option name ${JSON.stringify(name)}`);
  if (value === true) return `#SBATCH --${name}`;
  const text = String(value);
  if (text === "" || UNSAFE_SBATCH.test(text)) {
    throw new SpecError(
      `--${name} ${
        JSON.stringify(text)
      } cannot go on an #SBATCH line (no spaces, quotes, dollar signs, backslashes or control characters)`,
    );
  }
  return `#SBATCH --${name}=${text}`;
}
