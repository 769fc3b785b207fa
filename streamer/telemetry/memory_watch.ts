/**
 * The out-of-memory warning: a job that runs out of memory loses its work to the kernel's OOM killer (or
 * SLURM's) without a word in the desktop. The watch says so once when use passes {@linkcode
 * MEMORY_WARN_FRACTION} of the limit, again only after it fell below {@linkcode MEMORY_REARM_FRACTION} and
 * rose once more (a use that hovers at the threshold warns once), and whenever the kernel has killed a
 * process for memory meanwhile.
 *
 * @module
 */
import {
  MEMORY_REARM_FRACTION,
  MEMORY_WARN_FRACTION,
  memoryFraction,
  type TelemetryMessage,
} from "../../protocol/telemetry.ts";

const GIB = 1024 ** 3;

/**
 * Watches successive memory readings and returns the warning to give, if any.
 *
 * @example
 * ```ts
 * import { MemoryWatch } from "./memory_watch.ts";
 * const watch = new MemoryWatch();
 * const memory = (usedBytes: number) => ({ usedBytes, limitBytes: 1000, limitSource: "slurm" as const });
 * watch.observe(memory(500)); // undefined
 * watch.observe(memory(950)); // "Memory is almost full: ..."
 * watch.observe(memory(960)); // undefined (said once)
 * ```
 */
export class MemoryWatch {
  #armed = true;
  #oomKills: number | undefined;

  /** Takes one reading; returns the sentence to tell the viewers and the log, or undefined. */
  observe(memory: TelemetryMessage["memory"]): string | undefined {
    const warnings: string[] = [];
    const kills = memory.oomKills;
    if (kills !== undefined && this.#oomKills !== undefined && kills > this.#oomKills) {
      const n = kills - this.#oomKills;
      warnings.push(
        `The kernel killed ${n === 1 ? "a process" : `${n} processes`} of this job for lack of memory.`,
      );
    }
    if (kills !== undefined) this.#oomKills = kills;
    const fraction = memoryFraction(memory);
    if (this.#armed && fraction >= MEMORY_WARN_FRACTION) {
      this.#armed = false;
      // One precision for both figures, the limit's: "9.2 of 10.0 GiB", "0.93 of 1.00 GiB".
      const digits = memory.limitBytes < 10 * GIB ? 2 : 1;
      const gib = (bytes: number) => (bytes / GIB).toFixed(digits);
      warnings.push(
        `Memory is almost full: ${gib(memory.usedBytes)} of ${gib(memory.limitBytes)} GiB ` +
          `(${Math.round(fraction * 100)} %, limit from ${LIMIT_NAMES[memory.limitSource]}). ` +
          "Save your work; past the limit the job's processes are killed.",
      );
    } else if (!this.#armed && fraction < MEMORY_REARM_FRACTION) {
      this.#armed = true;
    }
    return warnings.length > 0 ? warnings.join(" ") : undefined;
  }
}

const LIMIT_NAMES: Record<TelemetryMessage["memory"]["limitSource"], string> = {
  cgroup: "the job's cgroup",
  slurm: "the job's --mem",
  node: "the node's memory",
};
