/**
 * The browser client's entry point: connects, picks a transport, shows the desktop, sends input.
 * Query parameters: `transport=auto|websocket|webrtc` (default auto), `resize=off` (never resize the desktop),
 * `relay=1` (WebRTC through TURN relays only), `telemetry=1` (show the job telemetry panel from the start),
 * `overlay=1` (WebSocket video shown through a `<video>` over the canvas instead of drawn on it).
 *
 * @module
 */
import type { ClientMessage, ServerMessage } from "../../protocol/protocol.ts";
import { versionMismatch } from "../../protocol/version.ts";
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
import { TransportChooser, type TransportMode } from "./_transport.ts";

type Hello = Extract<ServerMessage, { t: "hello" }>;

const RESIZE_DEBOUNCE_MS = 400;

const params = new URLSearchParams(location.search);
const requested: TransportMode =
  (["websocket", "webrtc"] as const).find((m) => m === params.get("transport")) ??
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

let hello: Hello | undefined;
let screen: Size | undefined;
let requestedSize = "";

const transport = new TransportChooser({
  requested,
  relayOnly,
  video,
  canvas,
  stats,
  sendText: (text) => conn.send(text),
  reconnect: () => conn.reconnect(),
  closeWebSocketVideo: () => wsMedia.video.close(),
  onWebRtcFrame: (width, height) => statsLoop.frame(width, height, 0),
  showError,
  onDelivery: (delivery) => receiverStats(stats, delivery),
});

function send(message: ClientMessage): void {
  transport.send(message);
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
  // Opt-in: the overlay (web/client/_video_overlay.ts) shows frames 4-6 ms sooner at 1080p, but a page
  // throttled 16x then showed pictures 4 s old (tests/slow_viewer_test.ts: the track queues what the
  // page cannot present, after the frame was acknowledged), which the canvas never does.
  overlay: params.get("overlay") === "1",
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
      clipboard.enabled = message.input;
      clipboardImages.enabled = message.input;
      microphone.configure(message.input && message.mic === true);
      files.configure(message.input ? message.transfer : undefined);
      for (const part of [input, ime, touch, onscreenKeys]) {
        if (message.input) part.enable();
        else part.disable();
      }
      transport.hello(message);
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
      transport.signal(message);
      break;
    case "stats":
      wsMedia.serverStats(message);
      break;
    case "error":
      transport.serverError(message.message);
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
    if (transport.showsWebSocketMedia) wsMedia.push(data);
  },
  onClose(retryInMs) {
    stats.connected = false;
    files.connectionLost();
    microphone.connectionLost();
    transport.close();
    input.disable();
    ime.disable();
    touch.disable();
    onscreenKeys.disable();
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
  return readPixel(stats.transport === "webrtc" ? video : wsMedia.picture, x, y);
}

Object.assign(globalThis, {
  selkiesStats: stats,
  selkiesDebug: { pixel, send, hello: () => hello, inputChannel: () => transport.inputChannelState },
});
stage.focus();
conn.connect();
