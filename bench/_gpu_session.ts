/**
 * One `selkies-hpc stream` session for bench/gpu.ts: started as a child process with its own
 * temp folder, its process tree's CPU time read from /proc, stopped with SIGTERM (SIGKILL to the
 * whole tree if it lingers).
 *
 * @module
 */
import { descendants, parseStat, readAllStats } from "./procstat.ts";

/** Options for {@linkcode startStream}. */
export interface StreamOptions {
  /** The repository root (holds `selkies-hpc`). */
  root: string;
  /** Screen width in pixels. */
  width: number;
  /** Screen height in pixels. */
  height: number;
  /** Frames per second. */
  fps: number;
  /** The desktop command (run by `bash -c`; no window manager is started). */
  desktop: string;
  /** Extra `stream` arguments, e.g. `["--encoder", "x264"]`. */
  args?: string[];
  /** Run the session on these CPUs only (`taskset -c` list, e.g. `0-3`); x264 sizes its threads by them. */
  cpus?: string;
  /** Give up waiting for the ready file after this long. @default {60000} */
  timeoutMs?: number;
}

/** A running session. */
export interface StreamSession {
  /** Process id of the `selkies-hpc stream` process. */
  pid: number;
  /** Session URL (with the token). */
  url: string;
  /** Session secret. */
  token: string;
  /** Milliseconds from spawning to the ready file. */
  readyMs: number;
  /** The session's temp folder (the desktop command may write files there). */
  dir: string;
  /** What the streamer printed (stdout and stderr, the last 64 KB). */
  log(): string;
  /** Stops the session and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts a session and waits for its ready file; `{dir}` in `desktop` is replaced by its temp folder.
 *
 * @example
 * ```ts ignore
 * import { startStream } from "./_gpu_session.ts";
 * const s = await startStream({ root: ".", width: 1280, height: 720, fps: 30, desktop: "sleep infinity" });
 * await s.stop();
 * ```
 */
export async function startStream(options: StreamOptions): Promise<StreamSession> {
  const dir = await Deno.makeTempDir({ prefix: "selkies-gpu-bench-" });
  const ready = `${dir}/ready.json`;
  const started = performance.now();
  const program = `${options.root}/selkies-hpc`;
  const child = new Deno.Command(options.cpus ? "taskset" : program, {
    args: [
      ...(options.cpus ? ["-c", options.cpus, program] : []),
      "stream",
      ...["--geometry", `${options.width}x${options.height}`, "--fps", String(options.fps)],
      ...["--port", "0", "--ready-file", ready, "--session-dir", `${dir}/session`, "--no-audio"],
      ...["--desktop", options.desktop.replaceAll("{dir}", dir), ...(options.args ?? [])],
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const keep = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      output = (output + decoder.decode(chunk, { stream: true })).slice(-65_536);
    }
  };
  const drained = Promise.all([keep(child.stdout), keep(child.stderr)]).catch(() => {});
  let exited = false;
  const status = child.status.then((s) => (exited = true, s));
  const stop = async () => {
    const tree = descendants(await readAllStats(), [child.pid]);
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    const timeout = new Promise((r) => setTimeout(r, 15_000, "timeout"));
    if (await Promise.race([status, timeout]) === "timeout") {
      for (const pid of tree) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* gone */ }
      }
      await status;
    }
    await drained;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const deadline = started + (options.timeoutMs ?? 60_000);
  while (performance.now() < deadline && !exited) {
    try {
      const info = JSON.parse(await Deno.readTextFile(ready));
      if (typeof info.url === "string" && typeof info.token === "string") {
        const readyMs = performance.now() - started;
        return { pid: child.pid, url: info.url, token: info.token, readyMs, dir, log: () => output, stop };
      }
    } catch { /* not written yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`the session did not become ready: ${output.trim().split("\n").slice(-5).join(" | ")}`);
}

/** CPU ticks (1/100 s) of a process tree, split into the server and the programs `isApp` picks. */
export interface TreeTicks {
  /** Server processes: streamer, media worker, Xvfb. */
  server: number;
  /** The application(s) under test and their children. */
  app: number;
}

/**
 * Sums utime+stime of `root`'s process tree, the subtrees whose program name (argv[0]'s base name)
 * `isApp` accepts apart.
 *
 * @example
 * ```ts
 * import { treeTicks } from "./_gpu_session.ts";
 * (await treeTicks(Deno.pid, (name) => name === "glspin")).server > 0; // true
 * ```
 */
export async function treeTicks(root: number, isApp: (program: string) => boolean): Promise<TreeTicks> {
  const all = await readAllStats();
  const apps = new Set(all.filter((p) => isApp(programOf(p.pid))).map((p) => p.pid));
  const server = descendants(all, [root], (pid) => apps.has(pid));
  const app = descendants(all, [...apps].filter((pid) => descendants(all, [root]).has(pid)));
  const sum = (pids: Set<number>) => all.filter((p) => pids.has(p.pid)).reduce((s, p) => s + p.ticks, 0);
  return { server: sum(server), app: sum(app) };
}

/**
 * CPU ticks of every thread of `root`'s tree (the `isApp` programs left out), summed by
 * `<process>/<thread name>`: GStreamer names its streaming threads after their pads (`ximagesrc0:src`
 * captures and converts, `queue0:src` encodes; x264's workers inherit that name), deno processes are
 * named by their script (`cli.ts` the streamer, `worker.ts` the media worker).
 *
 * @example
 * ```ts
 * import { threadTicks } from "./_gpu_session.ts";
 * (await threadTicks(Deno.pid, () => false)).size > 0; // true
 * ```
 */
export async function threadTicks(
  root: number,
  isApp: (program: string) => boolean,
): Promise<Map<string, number>> {
  const all = await readAllStats();
  const apps = new Set(all.filter((p) => isApp(programOf(p.pid))).map((p) => p.pid));
  const out = new Map<string, number>();
  for (const pid of descendants(all, [root], (pid) => apps.has(pid))) {
    const name = processName(pid);
    let tasks: Deno.DirEntry[] = [];
    try {
      tasks = [...Deno.readDirSync(`/proc/${pid}/task`)];
    } catch { /* ended */ }
    for (const task of tasks) {
      try {
        const stat = parseStat(Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/stat`));
        const comm = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/comm`).trim();
        const key = `${name}/${comm}`;
        out.set(key, (out.get(key) ?? 0) + stat.ticks);
      } catch { /* ended */ }
    }
  }
  return out;
}

function processName(pid: number): string {
  let argv: string[] = [];
  try {
    argv = Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0");
  } catch { /* ended */ }
  const program = argv[0]?.split("/").pop() ?? "?";
  const script = program === "deno" ? argv.find((a) => a.endsWith(".ts")) : undefined;
  return script ? script.split("/").pop()! : program;
}

function programOf(pid: number): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0")[0].split("/").pop()!;
  } catch {
    return "";
  }
}
