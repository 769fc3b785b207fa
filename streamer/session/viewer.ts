/**
 * One browser viewer of a session: greets it, streams media over its socket (or a WebRTC
 * peer of its own), applies its input, and cleans up when it leaves.
 *
 * @module
 */
import {
  CLIENT_MESSAGE_CATEGORIES,
  type ClientMessage,
  type Delivery,
  encodeMediaFrame,
  type MediaFrame,
  parseClientMessage,
  type ServerMessage,
  viewOnlyMaySend,
} from "../../protocol/protocol.ts";
import { BUFFER_BUDGETS } from "../../protocol/budgets.ts";
import { getLog } from "../../log.ts";
import { applyInput } from "./input.ts";
import { LatestRunner } from "./_latest.ts";
import { FramePacer } from "./pacer.ts";
import type { IceServer } from "../../protocol/ice.ts";
import type { DesktopPort, MediaPort, MicrophonePort, PeerPort, ViewerSocket } from "./ports.ts";
import { isTransferFrame, type TransferClientMessage } from "../../protocol/transfer.ts";
import { type OpenedTransfer, ViewerTransfers } from "../transfer/mod.ts";
import { desktopFrames } from "./_desktop_frames.ts";

const log = getLog("session", "viewer");

/**
 * Each frame is framed for the wire once, however many viewers get it (the media session hands every
 * subscriber the same frame object).
 */
const wireBytes = new WeakMap<MediaFrame, Uint8Array>();

function encodedOnce(frame: MediaFrame): Uint8Array {
  let bytes = wireBytes.get(frame);
  if (!bytes) wireBytes.set(frame, bytes = encodeMediaFrame(frame));
  return bytes;
}

/** How often a viewer of WebSocket media hears the encoder's rate and its own delivery. */
const STATS_MS = 1000;

let viewers = 0;

/** Everything a viewer shares with the rest of the session. */
export interface ViewerContext {
  /** The media pipeline (WebSocket frames, WebRTC peers). */
  media: MediaPort;
  /** The desktop's input, clipboard and resize. */
  desktop: DesktopPort;
  /** Builds the `hello` for a new viewer (current size, codec, audio...). */
  hello(): Omit<Extract<ServerMessage, { t: "hello" }>, "input" | "iceServers">;
  /** ICE servers for WebRTC. */
  iceServers: IceServer[];
  /** Called after a resize took effect, so every viewer hears of it. */
  onResized(size: { width: number; height: number }): void;
  /** File transfer (streamer/transfer); absent when the session turned it off. */
  transfer?: OpenedTransfer;
  /** The session's microphone (one viewer at a time); absent without audio. */
  microphone?: MicrophonePort;
}

/** How the viewer was admitted. */
export interface ViewerInfo {
  /** View-only viewers may watch but every input and control message is refused. */
  viewOnly: boolean;
  /** Who or where the viewer is, for logs. */
  remote: string;
}

/**
 * A connected viewer. Created by {@linkcode attachViewer}; `send` is used by the session to
 * broadcast desktop events (cursor, clipboard, screen size).
 */
export interface Viewer {
  /** Sends a control message to this viewer. */
  send(message: ServerMessage): void;
  /** Sends a binary frame that is not media (a clipboard image chunk) to this viewer. */
  sendBytes(bytes: Uint8Array): void;
  /** Resolves when the viewer has left and everything it held is released. */
  readonly closed: Promise<void>;
  /** Disconnects the viewer (going away). */
  close(): void;
  /** The viewer's number within this process (for metrics). */
  readonly id: number;
  /** Who or where the viewer is (for logs and metrics). */
  readonly remote: string;
  /** How WebSocket media reaches it now; `undefined` while it gets none (WebRTC). */
  delivery(): Delivery | undefined;
}

/**
 * Attaches a viewer socket to the session: sends `hello`, starts WebSocket media, dispatches
 * its messages. Malformed or refused messages are dropped with a (rate-limited) log line.
 *
 * @example
 * ```ts
 * import { attachViewer, type ViewerContext } from "./viewer.ts";
 * import type { ViewerSocket } from "../server/viewer_socket.ts";
 * declare const socket: ViewerSocket, context: ViewerContext;
 * const viewer = attachViewer(socket, { viewOnly: false, remote: "127.0.0.1" }, context);
 * await viewer.closed;
 * ```
 */
export function attachViewer(socket: ViewerSocket, info: ViewerInfo, context: ViewerContext): Viewer {
  const { media, desktop } = context;
  let peer: PeerPort | undefined;
  let unsubscribe: (() => void) | undefined;
  let pacer: FramePacer | undefined;
  let statsTimer: ReturnType<typeof setInterval> | undefined;
  let dropped = 0;
  let closed = false;
  let resolveClosed!: () => void;
  const closedPromise = new Promise<void>((resolve) => resolveClosed = resolve);

  const send = (message: ServerMessage) => {
    if (closed) return;
    try {
      socket.send(JSON.stringify(message));
    } catch (error) {
      log.debug("send to {remote} failed: {error}", { remote: info.remote, error: String(error) });
    }
  };

  // File transfer: never for a view-only viewer (its `files`-class messages are refused in `handle`).
  const files = context.transfer?.settings && !info.viewOnly
    ? new ViewerTransfers(context.transfer.settings, {
      send,
      sendBytes: (bytes) => !closed && socket.send(bytes),
      remote: info.remote,
    })
    : undefined;
  let refusedChunks = 0;
  // The viewer's microphone and clipboard images (binary frames of category `desktop`).
  const desktopBinary = desktopFrames({ ...info, send, desktop, microphone: context.microphone });

  const onFrame = (frame: MediaFrame) => {
    // One rule for every sender (protocol/keyframe_gate.ts), here with the viewer's pacing window on top.
    if (closed || !pacer?.admit(frame, socket.bufferedAmount > BUFFER_BUDGETS.viewerSoft)) return;
    try {
      socket.send(encodedOnce(frame));
    } catch {
      // The close handler cleans up.
    }
  };

  const sendStats = () => {
    const { fps, kbps } = media.stats();
    send({ t: "stats", fps, kbps, encoder: media.encoder, delivery: pacer?.delivery() });
  };

  const startWebSocketMedia = () => {
    if (unsubscribe) return;
    const mine = pacer = new FramePacer({
      fps: () => media.fps,
      encodedFps: () => media.stats().fps,
      requestKeyframe: () => media.requestKeyframe(),
      onRoomChange: () => media.pace(),
    });
    unsubscribe = media.subscribe(onFrame, { ready: () => mine.ready });
    media.requestKeyframe();
    statsTimer = setInterval(sendStats, STATS_MS);
  };

  const stopWebSocketMedia = () => {
    unsubscribe?.();
    unsubscribe = undefined;
    pacer?.close();
    pacer = undefined;
    clearInterval(statsTimer);
  };

  // A peer is a media worker process: requests (and resizes) run one at a time, the latest waiting one wins,
  // and the viewer holds one peer at most; its leaving waits for the peer being made and ends it.
  const peerJobs = new LatestRunner();
  const resizeJobs = new LatestRunner();
  /** Counts the peers made; signals and deaths of any but the latest are stale. */
  let generation = 0;

  const endPeer = async () => {
    const old = peer;
    peer = undefined;
    generation++;
    await old?.close().catch(() => {});
  };

  const startPeer = async () => {
    await endPeer();
    if (closed) return;
    startWebSocketMedia(); // until the new peer connects
    const mine = generation;
    const current = () => mine === generation && !closed;
    try {
      const made = await media.createPeer({
        iceServers: context.iceServers,
        onSignal: (message) => current() && send(message),
        onData: (text) => current() && handleText(text),
        // WebSocket media goes on until WebRTC media flows: on an idle (gated) screen the WebSocket keyframe
        // may still be on its way, and a first open can take seconds to connect (cold worker, relays).
        onConnected: () => current() && stopWebSocketMedia(),
        onClose: (reason) => {
          // The peer ended by itself (never connected, ICE failure, worker killed): back to WebSocket media,
          // and the browser hears why (it drops its peer connection and shows the WebSocket picture).
          if (!current()) return;
          generation++; // this peer is over: a late resolve of createPeer must not keep it
          peer = undefined;
          startWebSocketMedia();
          log.info("WebRTC for {remote} ended: {reason}", { remote: info.remote, reason });
          send({ t: "error", message: `WebRTC ended: ${reason}` });
        },
      });
      if (!current()) return void await made.close().catch(() => {});
      peer = made;
    } catch (error) {
      log.warning("WebRTC for {remote} failed: {error}", { remote: info.remote, error: String(error) });
      send({ t: "error", message: `WebRTC is unavailable: ${String(error)}` });
    }
  };

  /** A live setting the encoder did not take: logged, and the viewer hears it (its picture goes on as it was). */
  const settingFailed = (what: string, error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    log.warning("{what} change for {remote} failed: {reason}", { what, remote: info.remote, reason });
    send({ t: "notice", message: `The ${what} could not be changed: ${reason}` });
  };

  const handle = (message: ClientMessage) => {
    if (info.viewOnly && !viewOnlyMaySend(message.t)) {
      log.info("refused {type} from view-only viewer {remote}", { type: message.t, remote: info.remote });
      return;
    }
    if (CLIENT_MESSAGE_CATEGORIES[message.t] === "files") {
      const off = context.transfer?.hello.unavailable ?? "file transfer is turned off in this session";
      if (files) files.handle(message as TransferClientMessage);
      else send({ t: "file-error", message: off });
      return;
    }
    switch (message.t) {
      case "mic":
        desktopBinary.mic(message.on);
        return;
      case "kf":
        // Whichever picture the browser may be decoding: while WebRTC connects, both.
        peer?.requestKeyframe();
        if (unsubscribe) media.requestKeyframe();
        return;
      case "bitrate":
        media.setBitrate(message.kbps).catch((error) => settingFailed("bitrate", error));
        return;
      case "fps":
        media.setFps(message.fps).catch((error) => settingFailed("frame rate", error));
        return;
      case "webrtc":
        peerJobs.run(startPeer).catch(() => {}); // startPeer reports its own failures
        return;
      case "sdp":
      case "ice":
        peer?.signal(message);
        return;
      case "ack":
        pacer?.ack(message.seq, message.ms, message.drawn);
        return;
      case "stats":
        log.debug("viewer {remote}: {fps} fps, decode {decodeMs} ms", { remote: info.remote, ...message });
        return;
      case "resize":
        resizeJobs.run(async () => context.onResized(await desktop.resize(message.w, message.h))).catch(
          (error) => log.warning("resize to {w}x{h} failed: {error}", { ...message, error: String(error) }),
        );
        return;
      default:
        applyInput(desktop, message);
    }
  };

  const handleText = (data: string | Uint8Array) => {
    if (typeof data !== "string" && desktopBinary.frame(data)) return;
    if (typeof data !== "string" && isTransferFrame(data)) {
      if (files) return files.chunk(data);
      if (++refusedChunks === 1) log.info("refused file chunks from {remote}", { remote: info.remote });
      return;
    }
    const message = typeof data === "string" ? parseClientMessage(data) : undefined;
    if (!message) {
      dropped++;
      if (dropped <= 5 || dropped % 1000 === 0) {
        log.warning("dropped a malformed message from {remote} ({count} so far)", {
          remote: info.remote,
          count: dropped,
        });
      }
      return;
    }
    try {
      handle(message);
    } catch (error) {
      log.warning("message {type} from {remote} failed: {error}", {
        type: message.t,
        remote: info.remote,
        error: String(error),
      });
    }
  };

  socket.onMessage(handleText);
  socket.onClose(() => {
    if (closed) return;
    closed = true;
    stopWebSocketMedia();
    if (!info.viewOnly) desktop.releaseAll();
    desktopBinary.close();
    // Runs after (or replaces) any peer still being made; the resize in flight finishes first too.
    Promise.allSettled([peerJobs.run(endPeer), resizeJobs.idle(), files?.close()]).finally(resolveClosed);
    log.info("viewer {remote} left", { remote: info.remote });
  });

  const transfer = info.viewOnly ? undefined : context.transfer?.hello;
  send({
    ...context.hello(),
    input: !info.viewOnly,
    iceServers: context.iceServers,
    transfer,
    mic: desktopBinary.micAvailable,
  });
  startWebSocketMedia();
  log.info("viewer {remote} joined{mode}", {
    remote: info.remote,
    mode: info.viewOnly ? " (view-only)" : "",
  });
  return {
    send,
    sendBytes: (bytes) => {
      try {
        if (!closed) socket.send(bytes);
      } catch { /* the close handler cleans up */ }
    },
    closed: closedPromise,
    close: () => socket.close(1001, "the session is ending"),
    id: ++viewers,
    remote: info.remote,
    delivery: () => pacer?.delivery(),
  };
}
