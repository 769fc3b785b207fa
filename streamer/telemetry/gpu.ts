/**
 * The job's GPUs through `nvidia-smi --query-gpu` (NVML through FFI would save a process per sample, but
 * nvidia-smi is on every NVIDIA node and one run every 2 s while someone watches costs little; FFI stays for
 * later). SLURM names the job's GPUs by the driver's index (`SLURM_JOB_GPUS`); CUDA_VISIBLE_DEVICES may name
 * them by UUID. A node without nvidia-smi has no GPU section.
 *
 * @module
 */
import type { JobGpus } from "../../jobs/allocation.ts";
import type { GpuUsage } from "../../protocol/telemetry.ts";

/** The fields asked of nvidia-smi, in the order {@linkcode parseNvidiaSmiCsv} reads them. */
export const NVIDIA_SMI_ARGS: readonly string[] = [
  "--query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total",
  "--format=csv,noheader,nounits",
];

const MIB = 1024 * 1024;

/**
 * Parses nvidia-smi's CSV (`index, uuid, name, utilization %, memory used MiB, memory total MiB` per line).
 * Figures the driver does not report (`[N/A]`, `[Not Supported]`) are `null`; lines that are not GPUs throw.
 *
 * @example
 * ```ts
 * import { parseNvidiaSmiCsv } from "./gpu.ts";
 * parseNvidiaSmiCsv("0, GPU-5b1b, NVIDIA H200, 37, 1024, 143771\n")[0].memoryUsedBytes; // 1073741824
 * ```
 */
export function parseNvidiaSmiCsv(text: string): GpuUsage[] {
  const gpus: GpuUsage[] = [];
  for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const fields = line.split(",").map((f) => f.trim());
    // A product name with a comma in it would shift the figures: the last three are always the numbers.
    const [index, uuid, ...rest] = fields;
    const [util, used, total] = rest.splice(-3);
    const name = rest.join(", ");
    if (fields.length < 6 || !/^\d+$/.test(index)) {
      throw new SyntaxError(`nvidia-smi printed a line that is not a GPU: ${line.slice(0, 120)}`);
    }
    gpus.push({
      index: Number(index),
      uuid,
      name,
      utilizationPercent: figure(util),
      memoryUsedBytes: mib(used),
      memoryTotalBytes: mib(total),
    });
  }
  return gpus;
}

/**
 * The job's GPUs among those nvidia-smi lists: by `SLURM_JOB_GPUS` (driver indices) in a job, else by
 * `CUDA_VISIBLE_DEVICES` (UUIDs, or indices in the driver's order as CUDA_DEVICE_ORDER=PCI_BUS_ID gives them),
 * else all. Where the job's device cgroup hides the other GPUs, nvidia-smi may renumber the rest from 0: when
 * the indices match nothing but the count is the job's, the listed GPUs are the job's.
 *
 * @example
 * ```ts
 * import { jobGpus } from "./gpu.ts";
 * const gpu = (index: number) => ({
 *   index, uuid: `GPU-${index}`, name: "NVIDIA H200", utilizationPercent: 0, memoryUsedBytes: 0,
 *   memoryTotalBytes: 1,
 * });
 * jobGpus([gpu(0), gpu(1), gpu(2)], { slurmJobGpus: "1,2" }).map((g) => g.index); // [1, 2]
 * jobGpus([gpu(0), gpu(1)], { cudaVisibleDevices: "GPU-1" }).map((g) => g.index); // [1]
 * ```
 */
export function jobGpus(listed: readonly GpuUsage[], job: JobGpus): GpuUsage[] {
  const names = (list?: string) =>
    list === undefined || list === ""
      ? undefined
      : list === "NoDevFiles"
      ? []
      : list.split(",").map((s) => s.trim());
  const wanted = names(job.slurmJobGpus) ?? names(job.cudaVisibleDevices);
  if (wanted === undefined) return [...listed];
  const chosen = listed.filter((g) => wanted.includes(String(g.index)) || wanted.includes(g.uuid));
  if (chosen.length === 0 && listed.length === wanted.length) return [...listed];
  return chosen;
}

/** What asking nvidia-smi gave. */
export type GpuQuery =
  | { kind: "gpus"; gpus: GpuUsage[] }
  /** The node has no nvidia-smi: no GPU section at all. */
  | { kind: "absent" }
  /** nvidia-smi is there but failed (no driver loaded, a GPU fallen off the bus): says why. */
  | { kind: "failed"; reason: string };

/**
 * Runs nvidia-smi once, `timeoutMs` at most.
 *
 * @param command The nvidia-smi to run. @default {"nvidia-smi"}
 * @example
 * ```ts
 * import { queryGpus } from "./gpu.ts";
 * const result = await queryGpus();
 * if (result.kind === "gpus") console.log(result.gpus.length);
 * ```
 */
export async function queryGpus(command = "nvidia-smi", timeoutMs = 5000): Promise<GpuQuery> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, {
      args: [...NVIDIA_SMI_ARGS],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutMs),
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "absent" };
    return { kind: "failed", reason: `${command} could not run: ${(error as Error).message}` };
  }
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
  if (!output.success) {
    const said = (decode(output.stdout) || decode(output.stderr)).split("\n")[0].slice(0, 200);
    const how = output.signal
      ? `was killed (${output.signal}; over ${timeoutMs} ms?)`
      : `exited ${output.code}`;
    return { kind: "failed", reason: `${command} ${how}: ${said}` };
  }
  try {
    return { kind: "gpus", gpus: parseNvidiaSmiCsv(decode(output.stdout)) };
  } catch (error) {
    return { kind: "failed", reason: (error as Error).message };
  }
}

function figure(text: string): number | null {
  const n = Number(text);
  return text !== "" && Number.isFinite(n) ? n : null;
}

function mib(text: string): number | null {
  const n = figure(text);
  return n === null ? null : n * MIB;
}
