/**
 * One streaming session on a compute node: a private display, the desktop, audio, media,
 * and the way viewers reach it (the embedded server, or the gateway tunnel).
 *
 * @module
 */
import { SelkiesError } from "../../errors.ts";
import { abortable } from "../../abortable.ts";
import { type Allocation, localAllocation } from "../../jobs/allocation.ts";
import { parseGeometry, type SessionSettings } from "../../jobs/session.ts";
import { getLog } from "../../log.ts";
import { MicrophoneFloor, MicrophonePlayer } from "../audio/mod.ts";
import { startDesktop } from "../desktop/mod.ts";
import { startXvfb, type XDisplay } from "../display/mod.ts";
import { IdleTimer, MediaSession } from "../media/mod.ts";
import { makeRuntimeDir, ProcessGroup, startOrphanReaper } from "../process/mod.ts";
import { createStreamerApp, serveStreamer } from "../server/mod.ts";
import { connectTunnel } from "../tunnel/mod.ts";
import { openX11 } from "../x11/mod.ts";
import { ViewerHub } from "./hub.ts";
import { CleanupStack } from "./_cleanups.ts";
import { cudaDevice, firstFrame, startAudio, wireDesktopEvents } from "./_start_steps.ts";
import { renderSessionMetrics } from "./metrics.ts";
import type { IceServer } from "../../protocol/ice.ts";
import { PROTOCOL_VERSION } from "../../protocol/version.ts";
import type { ViewerSocket } from "./ports.ts";
import { attachViewer, type ViewerInfo } from "./viewer.ts";
import { JobClock } from "./job_clock.ts";
import { releaseWhenIdle, watchInput } from "./idle_release.ts";
import type { IdleReleasePolicy } from "../../jobs/site_idle_release.ts";
import type { SessionEndMessage } from "../../protocol/job.ts";
import { loadOrCreateToken } from "../../jobs/session_token.ts";
import { openTransfer } from "../transfer/mod.ts";
import { slurmMemoryLimit, TelemetrySampler } from "../telemetry/mod.ts";

const log = getLog("session");

/** Longest wait for one shutdown step (server, media, X connection) before the next runs. */
const STEP_MS = 2000;

/** How viewers reach the session, beyond the session settings. */
export interface SessionServeOptions {
  /** Address to bind: a host or `unix:/path`. @default {"127.0.0.1"} */
  bind?: string;
  /** TCP port; 0 picks a free one. @default {0} */
  port?: number;
  /** Folder holding the session secret (`token`, 0600). */
  sessionDir?: string;
  /** ICE servers for WebRTC (the gateway's, when there is one, take precedence). */
  iceServers?: IceServer[];
  /**
   * The job this session runs in: its id, CPUs, GPUs, user, node name, MUNGE socket.
   * @default {localAllocation()}
   */
  allocation?: Allocation;
  /**
   * Abandons the start when aborted: what was started is ended, and {@linkcode startSession} rejects with the
   * signal's reason. A running session is stopped with its `stop()`.
   */
  signal?: AbortSignal;
  /** Idle release (the site's `idleRelease:`, jobs/site_idle_release.ts); off when absent. */
  idleRelease?: IdleReleasePolicy;
}

/** A running session. */
export interface RunningSession {
  /** The URL to open (carries the secret: show it to the owner only). */
  url: string;
  /** Host and port the URL points at (the gateway's in gateway mode). */
  host: string;
  /** TCP port (0 for a Unix socket). */
  port: number;
  /** The session secret. */
  token: string;
  /** The X display, for diagnostics and tests. */
  display: XDisplay;
  /** The media pipeline, for diagnostics and tests. */
  media: MediaSession;
  /** Shows a notice to every viewer (e.g. the walltime warning). */
  notify(message: string): void;
  /** The job's end time as the viewers see it (job_clock.ts); asks SLURM why the session ends. */
  clock: JobClock;
  /** Tells every viewer that the session ends, and why (before `stop()`, so they show it, not a reconnect). */
  end(message: SessionEndMessage): void;
  /** Ends everything the session started. */
  stop(): Promise<void>;
  /** Resolves when something vital died (the X server), or media gave up (its worker keeps failing). */
  died: Promise<string>;
  /** Resolves with the `end` message when nobody used the session for the idle limit (never when off). */
  idle: Promise<SessionEndMessage>;
}

/**
 * Starts a session and resolves once the first video frame is encoded and viewers can connect. When it fails
 * or `options.signal` aborts, whatever it had started (processes, runtime folder, media workers, server,
 * tunnel) is ended before it rejects.
 *
 * @example
 * ```ts
 * import { startSession } from "./session.ts";
 * import { SessionSettingsSchema } from "../../jobs/session.ts";
 * const session = await startSession(SessionSettingsSchema.parse({ geometry: "1280x720" }), {});
 * console.log(session.url);
 * await session.stop();
 * ```
 */
export async function startSession(
  settings: SessionSettings,
  options: SessionServeOptions,
): Promise<RunningSession> {
  const allocation = options.allocation ?? localAllocation();
  const signal = options.signal;
  signal?.throwIfAborted();
  const jobId = allocation.jobId;
  if (settings.gateway && !jobId) {
    // The gateway admits only a streamer that proves a RUNNING job; say so before starting anything.
    throw new SelkiesError(
      `--gateway ${settings.gateway} needs a SLURM job (the gateway checks it): start the session with ` +
        "`selkies-hpc submit` or `sbatch sbatch/selkies.sh`, or leave out --gateway to serve it directly",
    );
  }
  // Each wait ends at once on abort; its cleanup is registered before it, so what it started is ended too.
  const step = <T>(promise: Promise<T>) => abortable(promise, signal);
  const died = Promise.withResolvers<string>();
  const group = new ProcessGroup({
    onUnexpectedExit: (exit) => {
      log.warning("{name} (pid {pid}) exited with {code}", { ...exit });
      if (exit.name === "Xvfb") died.resolve("the X server exited");
    },
  });
  // One step that hangs must not keep the desktop's processes alive: the process group always comes last.
  const cleanups = new CleanupStack(STEP_MS);
  cleanups.push(() => group.stop());
  // Once, however often it is asked (a signal, the X server's death and a failed start may all ask).
  const stop = () => cleanups.run();
  try {
    // Not abandoned half way: a folder made after the cleanups ran would be left behind.
    // 0700, naming this streamer; folders of sessions killed outright are removed first.
    const runtimeDir = await makeRuntimeDir();
    cleanups.push(() => Deno.remove(runtimeDir, { recursive: true }));
    // A streamer killed with SIGKILL cannot clean up: the reaper ends its processes and this folder.
    startOrphanReaper(group, [runtimeDir]);
    const { width, height } = parseGeometry(settings.geometry);
    // The framebuffer is allocated at startXvfb's default, the shared maximum (protocol/screen.ts says why).
    // Xvfb, PulseAudio and the desktop are children of the group: its cleanup ends them, started or starting.
    const display = await step(startXvfb({ width, height, runtimeDir, group, signal }));
    log.info("X display {name} is up at {width}x{height}", { name: display.name, width, height });

    const pulse = settings.audio ? await step(startAudio(runtimeDir, group, signal)) : undefined;
    const desktop = await step(startDesktop({
      display,
      app: settings.app,
      desktop: settings.desktop,
      gl: settings.gl,
      virtualglPath: settings.virtualglPath,
      image: settings.image,
      binds: settings.binds,
      env: pulse?.env,
      gpus: allocation.gpus,
      group,
      signal,
    }));
    log.info("desktop started (GL: {mode}, {reason})", { mode: desktop.glMode, reason: desktop.reason });

    const x11 = openX11(display.name, display.xauthority);
    cleanups.push(() => x11.close());
    x11.onLost(() => died.resolve("the connection to the X server is lost"));
    const media = new MediaSession({
      display: display.name,
      xauthority: display.xauthority,
      width,
      height,
      fps: settings.fps,
      encoder: settings.encoder,
      encoding: settings.encoding,
      bitrateKbps: settings.bitrate,
      audio: pulse ? { pulseServer: pulse.server } : undefined,
      cudaDevice: cudaDevice(allocation),
      cpus: allocation.cpus,
    });
    cleanups.push(() => media.stop());
    await step(media.start(signal));
    // The X server does not answer: a media worker hung while it held a server grab (GStreamer 1.22's
    // ximagesrc renegotiates inside XGrabServer). Killing the workers ends their connections and the grab;
    // the shared worker restarts, WebRTC viewers fall back to the WebSocket.
    x11.onStall((what) => void media.killAll(`the X server did not answer ${what}`));
    // Media that gives up while the session starts fails the start with its reason (not the first frame's
    // timeout).
    const mediaFailed = new AbortController();
    media.gaveUp.then((error) => mediaFailed.abort(error));
    await firstFrame(media, signal ? AbortSignal.any([signal, mediaFailed.signal]) : mediaFailed.signal);
    // Frames are converted and encoded only while the screen changes (X damage): an idle desktop is ~free.
    const idle = new IdleTimer({ fps: settings.fps, onChange: (active) => media.setActive(active) });
    x11.onDamage(() => idle.touch());
    cleanups.push(() => idle.close());
    log.info("encoding with {encoder} ({codec})", { encoder: media.encoder, codec: media.codec });

    const hub = new ViewerHub();
    const clock = new JobClock({
      jobId,
      node: allocation.nodeName,
      warnMinutes: settings.walltimeWarnings,
      onChange: (status) => hub.broadcast(status),
    });
    cleanups.push(() => clock.close());
    const notify = (message: string) => hub.broadcast({ t: "notice", message });
    // Nobody watching or typing for the site's limit ends the session (streamer/session/idle_release.ts).
    const idleRelease = releaseWhenIdle(options.idleRelease, notify);
    cleanups.push(() => idleRelease.close());
    // The job's CPU, memory and GPUs against its allocation: to the viewers every 2 s while watched, at
    // /metrics, and the memory warning (streamer/telemetry). The --mem request is SLURM's environment's.
    const telemetry = new TelemetrySampler({
      node: allocation.nodeName,
      cpus: allocation.cpus,
      gpus: allocation.gpus,
      jobId,
      memoryLimitBytes: jobId ? slurmMemoryLimit(Deno.env.toObject(), allocation.cpus) : undefined,
      processes: { marker: group.marker },
      onSample: (message) => hub.broadcast(message),
      onWarning: notify,
    });
    cleanups.push(() => telemetry.close());
    // Media that keeps failing ends the session, as a dead X server does; the viewers hear why first.
    media.gaveUp.then((error) => {
      notify(`The picture has stopped: the encoder keeps failing (${error.message}). This session ends.`);
      died.resolve(`media gave up: ${error.message}`);
    });
    let size = { width, height };
    wireDesktopEvents(x11, hub);
    const token = await loadOrCreateToken(options.sessionDir);
    // A transfer folder that cannot be opened makes transfer unavailable (viewers hear why), not the session.
    const transfer = await step(openTransfer(settings));
    let iceServers: IceServer[] = options.iceServers ?? [];
    // The browser's microphone into PulseAudio, one viewer at a time (streamer/audio/microphone.ts).
    const microphone = pulse
      ? new MicrophoneFloor(new MicrophonePlayer({ pulseEnv: pulse.env, group }))
      : undefined;
    const onViewer = (socket: ViewerSocket, info: ViewerInfo) => {
      const viewer = attachViewer(socket, info, {
        media,
        desktop: watchInput({
          keyDown: (k) => x11.keyDown(k),
          keyUp: (k) => x11.keyUp(k),
          typeText: (text) => x11.typeText(text),
          releaseAll: () => x11.releaseAll(),
          moveTo: (x, y) => x11.moveTo(x, y),
          moveBy: (x, y) => x11.moveBy(x, y),
          button: (b, d) => x11.button(b, d),
          wheel: (x, y) => x11.wheel(x, y),
          setClipboard: (text) => x11.setClipboard(text),
          setClipboardImage: (png) => x11.setClipboardImage(png),
          resize: async (w, h) => {
            const actual = await x11.resize(w, h);
            if (actual.width !== size.width || actual.height !== size.height) {
              size = actual;
              await media.resize(actual.width, actual.height);
            }
            return actual;
          },
        }, idleRelease.input),
        hello: () => ({
          t: "hello",
          v: PROTOCOL_VERSION,
          width: size.width,
          height: size.height,
          fps: settings.fps,
          maxKbps: settings.bitrate,
          codec: media.codec,
          encoder: media.encoder,
          audio: pulse !== undefined,
          transport: settings.transport,
        }),
        iceServers,
        onResized: (actual) => hub.broadcast({ t: "screen", ...actual }),
        transfer,
        microphone,
      });
      hub.add(viewer);
      idleRelease.watch(viewer);
      viewer.send(clock.status()); // fresh: its sentAt is now
      const latest = telemetry.latest();
      if (latest) viewer.send(latest);
      viewer.closed.then(telemetry.watch());
    };

    const end = (message: SessionEndMessage) => hub.broadcast(message);
    const running = {
      token,
      display,
      media,
      notify,
      clock,
      end,
      stop,
      died: died.promise,
      idle: idleRelease.released,
    };
    if (settings.gateway) {
      const tunnel = connectTunnel({
        gatewayUrl: settings.gateway,
        registration: {
          jobId: jobId!, // checked above
          user: allocation.user,
          // SLURM's name for this node (NodeName may differ from the host name): what the gateway checks.
          node: allocation.nodeName,
        },
        mungeSocket: allocation.mungeSocket,
        // The session id under the gateway derives from the secret (protocol/session_id.ts), never from the
        // folder's name: only this job can claim it.
        token,
        onViewer: (socket, info) =>
          onViewer(socket, { viewOnly: info.viewOnly, remote: `gateway:${info.user ?? "?"}` }),
        onRegistered: (ready) => iceServers = ready.iceServers,
      });
      cleanups.push(() => tunnel.close());
      cleanups.push(() => hub.closeAll());
      const ready = await step(tunnel.ready);
      iceServers = ready.iceServers;
      const url = new URL(ready.sessionUrl);
      const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
      signal?.throwIfAborted();
      return { url: `${ready.sessionUrl}?token=${token}`, host: url.hostname, port, ...running };
    }

    const metrics = () => {
      telemetry.scraped();
      return renderSessionMetrics(media.stats(), hub.samples(), telemetry.latest());
    };
    const app = createStreamerApp({ token, viewer: onViewer, metrics });
    const server = await serveStreamer(app, { bind: options.bind, port: options.port });
    cleanups.push(() => server.close());
    cleanups.push(() => hub.closeAll()); // Before the server: open WebSockets would hold its shutdown.
    signal?.throwIfAborted();
    return { url: `${server.url}?token=${token}`, host: server.host, port: server.port, ...running };
  } catch (error) {
    await stop();
    // A step that noticed the abort may have failed in its own words; the caller asked for the stop.
    throw signal?.aborted ? signal.reason : error;
  }
}
