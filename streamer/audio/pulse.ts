/**
 * A private PulseAudio server for the session: user mode, its only socket and cookie in the 0700 runtime
 * folder, no TCP, a null sink as default whose monitor the media pipeline records with pulsesrc.
 *
 * @module
 */
import { getLog } from "../../log.ts";
import type { ProcessGroup } from "../process/group.ts";
import { MIC_SINK_NAME, MIC_SOURCE_NAME, SINK_NAME } from "./names.ts";

export { MIC_SINK_NAME, MIC_SOURCE_NAME, SINK_NAME };

const log = getLog("audio");

/** Options for {@linkcode startPulse}. */
export interface PulseOptions {
  /** A private (0700) folder; the server's socket, cookie and state go into `<runtimeDir>/pulse`. */
  runtimeDir: string;
  /** Supervises the pulseaudio process. */
  group: ProcessGroup;
  /** Milliseconds to wait for the server. @default {10000} */
  timeoutMs?: number;
  /** Aborts the start: the server is ended and the start rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** A running private PulseAudio server. */
export interface PulseServer {
  /** Server address for clients and pulsesrc, `unix:/path/native`. */
  server: string;
  /** The monitor source of the default sink, to record from (not the default source: the microphone is). */
  monitor: string;
  /** `PULSE_SERVER` and `PULSE_COOKIE` for applications. */
  env: Record<string, string>;
  /** Ends the server. */
  stop(): Promise<void>;
}

/** Why audio is off, when {@linkcode startPulse} could not start a server. */
export interface PulseUnavailable {
  /** Always null: no server. */
  server: null;
  /** What went wrong, for the log and the client. */
  reason: string;
}

/**
 * Starts the session's PulseAudio; resolves to the reason instead when it is missing or fails,
 * so the session runs on without audio. Rejects only when `options.signal` aborts.
 *
 * @example
 * ```ts
 * import { startPulse } from "./pulse.ts";
 * import { ProcessGroup } from "../process/group.ts";
 * const group = new ProcessGroup();
 * const pulse = await startPulse({ runtimeDir: "/tmp/me-0700", group });
 * if (pulse.server === null) console.warn(`audio off: ${pulse.reason}`);
 * ```
 */
export async function startPulse(options: PulseOptions): Promise<PulseServer | PulseUnavailable> {
  const dir = `${options.runtimeDir}/pulse`;
  const socket = `${dir}/native`;
  const cookie = `${dir}/cookie`;
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  await Deno.chmod(dir, 0o700);
  await Deno.writeTextFile(
    `${dir}/session.pa`,
    [
      `load-module module-null-sink sink_name=${SINK_NAME} sink_properties=device.description=Selkies`,
      `set-default-sink ${SINK_NAME}`,
      // The browser's microphone: played into its own null sink, whose monitor is remapped as a real source
      // (applications list monitors apart, or not at all) and made the default, so `arecord`, Zoom or
      // Audacity record it. Silence until a viewer turns its microphone on.
      `load-module module-null-sink sink_name=${MIC_SINK_NAME} sink_properties=device.description=Browser-speaker`,
      `load-module module-remap-source master=${MIC_SINK_NAME}.monitor source_name=${MIC_SOURCE_NAME} ` +
      "source_properties=device.description=Browser-microphone",
      `set-default-source ${MIC_SOURCE_NAME}`,
      // The only protocol module: a unix socket in the private folder, cookie required.
      `load-module module-native-protocol-unix socket=${socket} auth-cookie=${cookie} auth-anonymous=0`,
      "load-module module-always-sink",
      "",
    ].join("\n"),
  );
  // Everything pulseaudio would look up in $HOME or /run/user stays in the private folder.
  const privateEnv = {
    HOME: dir,
    XDG_RUNTIME_DIR: dir,
    XDG_CONFIG_HOME: dir,
    PULSE_RUNTIME_PATH: dir,
    PULSE_STATE_PATH: dir,
    PULSE_CONFIG_PATH: dir,
    DBUS_SESSION_BUS_ADDRESS: "disabled:",
    DISPLAY: "",
  };
  let child;
  try {
    child = options.group.spawn("pulseaudio", "pulseaudio", {
      args: [
        "--daemonize=no",
        "--system=no",
        "-n",
        `--file=${dir}/session.pa`,
        "--exit-idle-time=-1",
        "--use-pid-file=no",
        "--log-target=stderr",
        "--log-level=error",
      ], // deno-fmt-ignore
      env: privateEnv,
      stderr: "null",
    });
  } catch (error) {
    return { server: null, reason: `pulseaudio cannot run (${(error as Error).message}); audio is off` };
  }
  const server = `unix:${socket}`;
  const env = { PULSE_SERVER: server, PULSE_COOKIE: cookie };
  const until = Date.now() + (options.timeoutMs ?? 10000);
  let exited = false;
  child.exited.then(() => exited = true);
  const signal = options.signal;
  while (!exited && Date.now() < until && !signal?.aborted) {
    const probe = await new Deno.Command("pactl", {
      args: ["info"],
      env,
      stdout: "piped",
      stderr: "null",
      signal,
    })
      .output().catch(() => null);
    if (probe === null) break;
    if (probe.success && new TextDecoder().decode(probe.stdout).includes(`Default Sink: ${SINK_NAME}`)) {
      log.info("PulseAudio up at {server}", { server });
      const stop = async () => {
        try {
          Deno.kill(-child.pid, "SIGTERM");
        } catch { /* already gone */ }
        await child.exited;
      };
      return { server, monitor: `${SINK_NAME}.monitor`, env, stop };
    }
    await sleep(100, signal);
  }
  try {
    Deno.kill(-child.pid, "SIGKILL");
  } catch { /* already gone */ }
  await child.exited;
  signal?.throwIfAborted();
  const reason = exited ? "pulseaudio exited at start" : "pulseaudio did not answer (is pactl installed?)";
  log.warn("{reason}; audio is off", { reason });
  return { server: null, reason: `${reason}; audio is off` };
}

/** Waits `ms`, less when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
