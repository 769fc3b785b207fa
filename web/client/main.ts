/**
 * The browser client's entry point: connects, picks a transport, shows the desktop, sends input.
 * Query parameters: `transport=auto|websocket|webrtc` (default auto), `resize=off` (never resize the desktop),
 * `relay=1` (WebRTC through TURN relays only), `telemetry=1` (show the job telemetry panel from the start).
 *
 * @module
 */
import type { ClientMessage, ServerMessage } from "../../protocol/protocol.ts";
import { versionMismatch } from "../../protocol/version.ts";
import { SCREEN_CODEC } from "../../protocol/screen_update.ts";
import { ClipboardBridge } from "./clipboard.ts";
import { ClipboardImages } from "./_clipboard_image.ts";
import { Microphone } from "./microphone.ts";
import { Connection } from "./connection.ts";
import { bindControls } from "./controls.ts";
import { cursorCss } from "./cursor.ts";
import { screenSizeFor, type Size } from "./geometry.ts";
import { ImeField } from "./ime.ts";
import { InputCapture } from "./input.ts";
import { giveUpMs, JobBanner } from "./job_banner.ts";
import { OnscreenKeys } from "./onscreen_keys.ts";
import { Overlay } from "./overlay.ts";
import { readPixel } from "./pixel.ts";
import { FileTransfers } from "./transfer.ts";
import { createStats, receiverStats, type SelkiesStats, StatsLoop } from "./stats.ts";
import { TelemetryPanel } from "./telemetry_panel.ts";
import { TouchInput } from "./touch.ts";
import { WebCodecsVideo } from "./video_webcodecs.ts";
import { WebSocketMedia } from "./ws_media.ts";
import { WebRtcSession } from "./webrtc.ts";

type Mode = "auto" | "websocket" | "webrtc";
type Hello = Extract<ServerMessage, { t: "hello" }>;

/** WebRTC must show a frame this soon, or `auto` falls back to the WebSocket. */
const WEBRTC_DEADLINE_MS = 5000;
const RESIZE_DEBOUNCE_MS = 400;
/** Input that may travel over the data channel (the rest stays on the WebSocket, in order). */
const INPUT_KINDS = new Set(["kd", "ku", "text", "reset", "ma", "mr", "mb", "mw"]);

const params = new URLSearchParams(location.search);
const requested: Mode = (["websocket", "webrtc"] as const).find((m) => m === params.get("transport")) ??
  "auto";
const resizeDesktop = params.get("resize") !== "off";
const relayOnly = params.get("relay") === "1";

const canvas = document.getElementById("canvas") as HTMLCanvasElement;
const video = document.getElementById("video") as HTMLVideoElement;
const stage = document.getElementById("stage") as HTMLElement;
const overlay = new Overlay(document);
const stats: SelkiesStats = createStats();
// The job's time left, warnings, and the end screen; reconnecting stops when the session has ended.
const jobBanner = new JobBanner(document, { giveUpMs: giveUpMs(params), onGiveUp: () => conn.close() });

let mode: Mode = requested;
let hello: Hello | undefined;
let screen: Size | undefined;
let rtc: WebRtcSession | undefined;
let rtcTimer: ReturnType<typeof setTimeout> | undefined;
let inputChannel: RTCDataChannel | undefined;
let requestedSize = "";

function send(message: ClientMessage): void {
  const text = JSON.stringify(message);
  if (inputChannel?.readyState === "open" && INPUT_KINDS.has(message.t)) inputChannel.send(text);
  else conn.send(text);
}

function showError(text: string): void {
  stats.lastError = text;
  overlay.message(text);
}

const statsLoop = new StatsLoop(stats, {
  onUpdate() {
    wsMedia.tick();
    overlay.update(stats, stats.transportReason);
  },
  report: (message) => stats.connected && send(message),
});

const wsMedia = new WebSocketMedia({
  canvas,
  stats,
  send,
  onFrame(decodeMs, width, height, timestampUs) {
    if (stats.transport === "webrtc") return;
    stats.transport = "websocket";
    stats.mediaTimeUs = timestampUs;
    statsLoop.frame(width, height, decodeMs);
  },
});
const clipboard = new ClipboardBridge({
  send,
  panel: document.getElementById("clip-text") as HTMLTextAreaElement,
});

const controls = bindControls(stage, overlay, { onDensity: () => maybeResize() });
// The job's CPU, memory and GPUs (button "Job", Ctrl+Alt+Shift+T, ?telemetry=1).
const telemetryPanel = new TelemetryPanel(document, {
  visible: params.get("telemetry") === "1",
  onButton: () => stage.focus(),
});
Object.assign(controls.shortcuts, { KeyT: () => telemetryPanel.toggle() });

function geometry() {
  const shown = stats.transport === "webrtc" ? video : canvas;
  const content = shown === video
    ? { width: video.videoWidth, height: video.videoHeight }
    : { width: canvas.width, height: canvas.height };
  if (!content.width || !content.height) return undefined;
  return { element: shown.getBoundingClientRect(), content, screen: screen ?? content };
}

const input = new InputCapture({
  surface: stage,
  send,
  beforePaste: () => clipboard.beforePaste(),
  geometry,
  shortcuts: controls.shortcuts,
});
// IME, dead keys and on-screen keyboards over the desktop: their committed text goes as {t:"text"}.
const ime = new ImeField({ surface: stage, send });
const touch = new TouchInput({
  surface: stage,
  views: [canvas, video],
  send,
  geometry,
  pointer: document.getElementById("touch-pointer")!,
  modeButton: document.getElementById("touch-mode")!,
});
const onscreenKeys = new OnscreenKeys({
  bar: document.getElementById("touch-bar")!,
  field: document.getElementById("osk-field") as HTMLInputElement,
  keyboardButton: document.getElementById("osk")!,
  send,
});

// File transfer over this socket (transfer.ts): offered by the hello, never to view-only viewers.
const files = new FileTransfers(document, { send, sendBytes: (bytes) => conn.send(bytes) });
Object.assign(globalThis, { selkiesFiles: files }); // for tests and the console, as selkiesStats
// The browser's microphone (Mic button, off by default) and PNG images on the clipboard, on this socket.
const microphone = new Microphone(document, {
  send,
  sendBytes: (bytes) => conn.send(bytes),
  notice: (text) => jobBanner.warn(text),
  onButton: () => stage.focus(),
});
const clipboardImages = new ClipboardImages(document, {
  sendBytes: (bytes) => conn.send(bytes),
  notice: (text) => jobBanner.warn(text),
});
Object.assign(globalThis, { selkiesMic: microphone, selkiesClipboardImage: clipboardImages });

function setTransport(transport: "websocket" | "webrtc", reason: string): void {
  stats.transport = transport;
  stats.transportReason = reason;
  video.hidden = transport !== "webrtc";
  canvas.hidden = transport === "webrtc";
  if (transport === "webrtc") wsMedia.video.close();
}

function startTransport(): void {
  closeRtc();
  if (mode === "websocket" || !WebRtcSession.available) {
    if (!WebCodecsVideo.available) {
      showError(
        "This browser cannot decode video here: WebCodecs needs https (or localhost). " +
          "Open the session over https, or add ?transport=webrtc to the address.",
      );
    }
    if (!WebRtcSession.available && mode !== "websocket") stats.transportReason = "WebRTC unavailable here";
    else if (requested === "websocket") stats.transportReason = "pinned by ?transport=websocket";
    else if (mode === "websocket" && !stats.transportReason) {
      stats.transportReason = "the session prefers WebSocket";
    }
    return;
  }
  stats.transportReason = "negotiating WebRTC";
  video.hidden = false;
  const session: WebRtcSession = rtc = new WebRtcSession({
    video,
    iceServers: hello?.iceServers ?? [],
    relayOnly,
    send,
    onFirstFrame() {
      clearTimeout(rtcTimer);
      setTransport("webrtc", requested === "webrtc" ? "pinned by ?transport=webrtc" : "WebRTC connected");
    },
    onFrame: (width, height) => statsLoop.frame(width, height, 0),
    onFailed: (reason) => rtcFailed(reason),
    onInputChannel: (channel) => inputChannel = channel,
    // Frame rate and bitrate follow what this browser and its network keep up with.
    adapt: hello?.input ? { maxFps: hello.fps, maxKbps: hello.maxKbps } : undefined,
    fps: hello?.fps,
    onDelivery: (delivery) => receiverStats(stats, delivery),
  });
  session.start();
  if (mode === "auto") {
    rtcTimer = setTimeout(
      () => rtcFailed(`no WebRTC video within ${WEBRTC_DEADLINE_MS / 1000} s (ICE ${session.state})`),
      WEBRTC_DEADLINE_MS,
    );
  }
}

function closeRtc(): void {
  clearTimeout(rtcTimer);
  rtc?.close();
  rtc = undefined;
  inputChannel = undefined;
}

function rtcFailed(reason: string): void {
  closeRtc();
  if (stats.transport === "webrtc") stats.transport = "none";
  if (mode === "auto") {
    // The server streams to this socket by WebRTC now; a fresh socket gets WebSocket media again.
    mode = "websocket";
    stats.transportReason = `WebSocket (fallback: ${reason})`;
    video.hidden = true;
    canvas.hidden = false;
    conn.reconnect();
  } else {
    showError(`${reason}; retrying`);
    setTimeout(() => conn.reconnect(), 3000);
  }
}

function maybeResize(): void {
  if (!hello?.input || !resizeDesktop) return;
  const size = screenSizeFor(innerWidth, innerHeight, controls.density === "sharp" ? devicePixelRatio : 1);
  const key = `${size.width}x${size.height}`;
  if (key === requestedSize || (screen && size.width === screen.width && size.height === screen.height)) {
    return;
  }
  requestedSize = key;
  send({ t: "resize", w: size.width, h: size.height });
}

function onMessage(message: ServerMessage): void {
  if (files.handle(message)) return;
  switch (message.t) {
    case "hello": {
      const mismatch = versionMismatch(message.v);
      if (mismatch) {
        // Messages of another version would be misread: stop here, and do not reconnect to the same answer.
        conn.close();
        showError(mismatch);
        return;
      }
      hello = message;
      jobBanner.connected(); // the desktop answered: not lost
      screen = { width: message.width, height: message.height };
      requestedSize = "";
      overlay.message("");
      stats.lastError = "";
      if (WebCodecsVideo.available) wsMedia.configure(message.codec);
      if (requested === "auto" && mode === "auto" && message.transport && message.transport !== "auto") {
        mode = message.transport; // The session's own preference (e.g. websocket behind Open OnDemand).
      } else if (requested === "auto" && mode === "auto" && message.codec === SCREEN_CODEC) {
        // Hybrid screen updates beat WebRTC video on desktop content (text p50 22 vs 44 ms, a still screen
        // sends nothing, text stays exact: docs/benchmarks.md); ?transport=webrtc still picks WebRTC.
        mode = "websocket";
        stats.transportReason = "hybrid screen encoding (sharper text, lower latency on desktop content)";
      }
      clipboard.enabled = message.input;
      clipboardImages.enabled = message.input;
      microphone.configure(message.input && message.mic === true);
      files.configure(message.input ? message.transfer : undefined);
      for (const part of [input, ime, touch, onscreenKeys]) {
        if (message.input) part.enable();
        else part.disable();
      }
      startTransport();
      maybeResize();
      break;
    }
    case "screen":
      screen = { width: message.width, height: message.height };
      break;
    case "cursor":
    case "cursor-hidden":
      stage.style.cursor = cursorCss(message);
      break;
    case "clip":
      clipboard.fromDesktop(message.text);
      clipboardImages.clear();
      break;
    case "mic":
      microphone.handle(message);
      break;
    case "sdp":
    case "ice":
      void rtc?.handle(message);
      break;
    case "stats":
      wsMedia.serverStats(message);
      break;
    case "error":
      // The server's errors are about this viewer's WebRTC peer: refused, never connected in time, or ended
      // (its worker died or was killed). Drop our side too: `auto` falls back to the WebSocket now, a pinned
      // transport retries; a frozen picture would otherwise stay until ICE times out (~30 s).
      if (rtc) rtcFailed(`server: ${message.message}`);
      else showError(message.message);
      break;
    case "notice":
      jobBanner.warn(message.message);
      break;
    case "job":
      jobBanner.job(message);
      break;
    case "telemetry":
      telemetryPanel.update(message);
      break;
    case "end":
      conn.close();
      jobBanner.end(message);
      break;
  }
}

const conn = new Connection(location.href, {
  onOpen() {
    stats.connected = true;
  },
  onText(text) {
    let message: ServerMessage;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message && typeof message === "object") onMessage(message);
  },
  onBinary(data) {
    if (files.chunk(data)) return; // a file chunk, whichever transport shows the picture
    if (clipboardImages.chunk(data)) return;
    // The server streams over this socket until WebRTC media flows (so `auto` shows the desktop while WebRTC
    // connects); a transport pinned to WebRTC shows WebRTC only.
    if (stats.transport === "webrtc" || mode === "webrtc") return;
    wsMedia.push(data);
  },
  onClose(retryInMs) {
    stats.connected = false;
    files.connectionLost();
    microphone.connectionLost();
    closeRtc();
    input.disable();
    ime.disable();
    touch.disable();
    onscreenKeys.disable();
    if (stats.transport === "webrtc") stats.transport = "none";
    if (retryInMs !== undefined) {
      jobBanner.disconnected();
      overlay.message(`Connection lost; reconnecting in ${(retryInMs / 1000).toFixed(1)} s`);
    }
  },
  onUnauthorized() {
    showError(
      "This session link is no longer valid (session ended or restarted). Open the session link again.",
    );
  },
});

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(maybeResize, RESIZE_DEBOUNCE_MS);
});
// Sound needs a user gesture in every browser.
for (const type of ["pointerdown", "keydown"]) {
  addEventListener(type, () => {
    wsMedia.audio.resume();
    video.muted = false;
  }, { capture: true });
}
function pixel(x: number, y: number): number[] | undefined {
  return readPixel(stats.transport === "webrtc" ? video : canvas, x, y);
}

Object.assign(globalThis, {
  selkiesStats: stats,
  selkiesDebug: { pixel, send, hello: () => hello, inputChannel: () => inputChannel?.readyState ?? "none" },
});
stage.focus();
conn.connect();
