/**
 * Samples the job's telemetry: every 2 s while a viewer watches or `/metrics` is scraped, every 10 s otherwise
 * (CPU and memory only, a /proc or cgroup read of about a millisecond, so the memory warning still reaches the
 * job log when nobody watches). GPUs are asked of nvidia-smi only while watched.
 *
 * @module
 */
import type { JobGpus } from "../../jobs/allocation.ts";
import { getLog } from "../../log.ts";
import type { TelemetryMessage } from "../../protocol/telemetry.ts";
import { readOr } from "./_files.ts";
import { type CgroupReading, findJobCgroup, type JobCgroup, readCgroup } from "./cgroup.ts";
import { type GpuQuery, jobGpus, queryGpus } from "./gpu.ts";
import { allocatedCores, nodeMemory } from "./limits.ts";
import { MemoryWatch } from "./memory_watch.ts";
import { SessionProcesses, type SessionProcessesOptions } from "./procs.ts";

const log = getLog("telemetry");

/** A scrape of `/metrics` keeps the sampler at its watched pace this long (Prometheus scrapes every 15-60 s). */
const SCRAPE_KEEPS_MS = 120_000;

/** The shortest time between two readings. */
const MIN_GAP_MS = 500;

/** Options of {@linkcode TelemetrySampler}. */
export interface TelemetrySamplerOptions {
  /** The node's name, as the panel shows it. */
  node: string;
  /** The job's CPUs; undefined: this machine's. */
  cpus?: number;
  /** The job's GPUs. @default {{}} (every GPU nvidia-smi lists) */
  gpus?: JobGpus;
  /** The SLURM job id: its `job_<id>` cgroup is the job's. */
  jobId?: string;
  /** The memory the job asked SLURM for, bytes (limits.ts `slurmMemoryLimit`), used where no cgroup limits. */
  memoryLimitBytes?: number;
  /** Which processes are the session's, where there is no usable cgroup. @default {the tree of this process} */
  processes?: SessionProcessesOptions;
  /** The job's cgroup; `false` counts processes even where a cgroup v2 is usable. @default {findJobCgroup()} */
  cgroup?: JobCgroup | false;
  /** Each sample taken while a viewer watches (to send to the viewers). */
  onSample?: (message: TelemetryMessage) => void;
  /** The out-of-memory warning (already logged), to tell the viewers. */
  onWarning?: (text: string) => void;
  /** Time between samples while watched, ms. @default {2000} */
  watchedIntervalMs?: number;
  /** Time between samples while nobody watches, ms. @default {10000} */
  idleIntervalMs?: number;
  /** The nvidia-smi to run. @default {"nvidia-smi"} */
  nvidiaSmi?: string;
}

/**
 * Samples the job's CPU, memory and GPUs and warns before memory runs out; `close()` ends it.
 *
 * @example
 * ```ts
 * import { TelemetrySampler } from "./sampler.ts";
 * const sampler = new TelemetrySampler({ node: "gpu01", cpus: 4, onSample: (m) => console.log(m.cpu) });
 * const unwatch = sampler.watch(); // a viewer joined: samples every 2 s
 * unwatch(); // it left
 * sampler.close();
 * ```
 */
export class TelemetrySampler {
  readonly #options: TelemetrySamplerOptions;
  readonly #watch = new MemoryWatch();
  readonly #allocatedCores: number;
  readonly #nodeMemory: number;
  #cgroup: JobCgroup | undefined;
  #processes: SessionProcesses;
  #previous: { at: number; usageUsec?: number } | undefined;
  #gpu: GpuQuery | undefined;
  #latest: TelemetryMessage | undefined;
  #watchers = 0;
  #scrapedAt = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #sampling = false;
  #again = false;
  #closed = false;

  constructor(options: TelemetrySamplerOptions) {
    this.#options = options;
    this.#allocatedCores = allocatedCores(options.cpus);
    this.#nodeMemory = nodeMemory(readOr("/proc/meminfo")) ?? 0;
    this.#cgroup = options.cgroup === false
      ? undefined
      : options.cgroup ?? findJobCgroup({ jobId: options.jobId });
    this.#processes = new SessionProcesses(options.processes);
    log.info("job telemetry from {source}{where}", {
      source: this.#cgroup ? "the job's cgroup" : "the session's processes",
      where: this.#cgroup ? ` ${this.#cgroup.dir}` : " (no usable cgroup v2 here)",
    });
    this.#readCpuAndMemory(); // the baseline the first CPU figure is measured against
    this.#schedule(this.#interval());
  }

  /** The latest sample, for `/metrics`; undefined before the first. */
  latest(): TelemetryMessage | undefined {
    return this.#latest;
  }

  /** A viewer started watching: samples every 2 s (the first at once) until the returned function is called. */
  watch(): () => void {
    this.#watchers++;
    this.#soon();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#watchers--;
    };
  }

  /** `/metrics` was scraped: keeps the watched pace (GPUs included) for a while, so the next scrape is fresh. */
  scraped(): void {
    const idle = !this.#watched();
    this.#scrapedAt = performance.now();
    if (idle) this.#soon();
  }

  /** Stops sampling. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #watched(): boolean {
    return this.#watchers > 0 || performance.now() - this.#scrapedAt < SCRAPE_KEEPS_MS;
  }

  #interval(): number {
    return this.#watched() ? this.#options.watchedIntervalMs ?? 2000 : this.#options.idleIntervalMs ?? 10_000;
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#sample(), ms);
    Deno.unrefTimer(this.#timer); // never what keeps the streamer alive
  }

  /**
   * Samples at once (at least {@linkcode MIN_GAP_MS} after the previous reading, so the CPU figure averages
   * over a real stretch of time), or right after the sample in progress.
   */
  #soon(): void {
    if (this.#sampling) this.#again = true;
    else this.#schedule(Math.max(0, (this.#previous?.at ?? 0) + MIN_GAP_MS - performance.now()));
  }

  async #sample(): Promise<void> {
    if (this.#closed || this.#sampling) return;
    this.#sampling = true;
    try {
      const watched = this.#watched();
      const { cpu, memory, source } = this.#readCpuAndMemory();
      if (watched && this.#gpu?.kind !== "absent") await this.#queryGpus();
      if (this.#closed) return;
      // GPU figures only from this sample's query: an idle sample's would be minutes old.
      const gpu = watched ? this.#gpu : undefined;
      const message: TelemetryMessage = {
        t: "telemetry",
        node: this.#options.node,
        source,
        cpu,
        memory,
        ...(gpu?.kind === "gpus" ? { gpus: jobGpus(gpu.gpus, this.#options.gpus ?? {}) } : {}),
        ...(gpu?.kind === "failed" ? { gpuError: gpu.reason } : {}),
      };
      this.#latest = message;
      const warning = this.#watch.observe(memory);
      if (warning) {
        log.warning("{warning}", { warning });
        this.#options.onWarning?.(warning);
      }
      if (this.#watchers > 0) this.#options.onSample?.(message);
    } catch (error) {
      log.warning("telemetry sample failed: {error}", { error: String(error) });
    } finally {
      this.#sampling = false;
      const again = this.#again;
      this.#again = false;
      this.#schedule(again ? MIN_GAP_MS : this.#interval());
    }
  }

  #readCpuAndMemory(): Pick<TelemetryMessage, "cpu" | "memory" | "source"> {
    const at = performance.now();
    const elapsedS = this.#previous ? (at - this.#previous.at) / 1000 : 0;
    let cgroup: CgroupReading | undefined;
    if (this.#cgroup) {
      try {
        cgroup = readCgroup(this.#cgroup);
      } catch (error) {
        log.warning("the job's cgroup {dir} cannot be read ({error}); counting the session's processes", {
          dir: this.#cgroup.dir,
          error: String(error),
        });
        this.#cgroup = undefined;
      }
    }
    let cpuSeconds: number | undefined;
    let usedBytes: number;
    if (cgroup) {
      const before = this.#previous?.usageUsec;
      cpuSeconds = before === undefined ? undefined : Math.max(0, cgroup.usageUsec - before) / 1e6;
      usedBytes = cgroup.workingSetBytes;
    } else {
      const reading = this.#processes.read();
      cpuSeconds = reading.cpuSeconds;
      usedBytes = reading.rssBytes;
    }
    this.#previous = { at, usageUsec: cgroup?.usageUsec };
    const limit = cgroup?.limitBytes !== undefined
      ? { limitBytes: cgroup.limitBytes, limitSource: "cgroup" as const }
      : this.#options.memoryLimitBytes !== undefined
      ? { limitBytes: this.#options.memoryLimitBytes, limitSource: "slurm" as const }
      : { limitBytes: this.#nodeMemory, limitSource: "node" as const };
    const usedCores = cpuSeconds !== undefined && elapsedS > 0 ? round(cpuSeconds / elapsedS, 2) : 0;
    return {
      source: cgroup ? "cgroup" : "processes",
      cpu: { usedCores, allocatedCores: this.#allocatedCores },
      memory: { usedBytes, ...limit, ...(cgroup ? { oomKills: cgroup.oomKills } : {}) },
    };
  }

  async #queryGpus(): Promise<void> {
    const before = this.#gpu?.kind;
    const gpu: GpuQuery = this.#gpu = await queryGpus(this.#options.nvidiaSmi);
    if (gpu.kind === "failed" && before !== "failed") {
      log.warning("no GPU figures: {reason}", { reason: gpu.reason });
    } else if (gpu.kind === "absent" && before === undefined) {
      log.info("no nvidia-smi on this node: the telemetry has no GPU section");
    }
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
