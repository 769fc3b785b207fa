/**
 * Describes the machine a run came from, for the report.
 *
 * @module
 */
import { cpus, release } from "node:os";

/** The machine a run came from. */
export interface MachineInfo {
  /** CPUs online (`nproc`). */
  nproc: number;
  /** CPU model name. */
  cpu: string;
  /** Kernel release (`uname -r`). */
  kernel: string;
  /** Chromium's version string. */
  chromium: string;
  /** Deno's version. */
  deno: string;
}

/**
 * Collects nproc, CPU model, kernel and browser versions.
 *
 * @example
 * ```ts
 * import { machineInfo } from "./machine.ts";
 * (await machineInfo()).nproc > 0; // true
 * ```
 */
export async function machineInfo(chromiumPath = "/usr/bin/chromium"): Promise<MachineInfo> {
  let chromium = "unknown";
  try {
    const out = await new Deno.Command(chromiumPath, { args: ["--version"], stderr: "null" }).output();
    chromium = new TextDecoder().decode(out.stdout).trim();
  } catch { /* not installed: leave unknown */ }
  return {
    nproc: navigator.hardwareConcurrency,
    cpu: cpus()[0]?.model ?? "unknown",
    kernel: release(),
    chromium,
    deno: Deno.version.deno,
  };
}
