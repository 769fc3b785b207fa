/**
 * Which transport shows the desktop: WebRTC when asked for or when `auto` gets video in time, else the
 * WebSocket (always, with hybrid screen updates). Owns the WebRTC session and its input data channel.
 *
 * @module
 */
import type { ClientMessage, ServerMessage } from "../../protocol/protocol.ts";
import { SCREEN_CODEC } from "../../protocol/screen_update.ts";
import type { SelkiesStats } from "./stats.ts";
import { WebCodecsVideo } from "./video_webcodecs.ts";
import { WebRtcSession, type WebRtcSessionOptions } from "./webrtc.ts";

/** What the page asked for (`?transport=`), and what `auto` settles on. */
export type TransportMode = "auto" | "websocket" | "webrtc";
type Hello = Extract<ServerMessage, { t: "hello" }>;

/** WebRTC must show a frame this soon, or `auto` falls back to the WebSocket. */
const WEBRTC_DEADLINE_MS = 5000;
/** Input that may travel over the data channel (the rest stays on the WebSocket, in order). */
const INPUT_KINDS = new Set(["kd", "ku", "text", "reset", "ma", "mr", "mb", "mw"]);

/** What {@linkcode TransportChooser} works with. */
export interface TransportChooserOptions {
  requested: TransportMode;
  /** `?relay=1`: WebRTC through TURN relays only. */
  relayOnly: boolean;
  video: HTMLVideoElement;
  canvas: HTMLCanvasElement;
  stats: SelkiesStats;
  /** Sends a text message on the WebSocket. */
  sendText(text: string): void;
  /** The WebSocket starts over (`auto` falling back: a fresh socket gets WebSocket media again). */
  reconnect(): void;
  /** Stops the WebSocket's video decoder (WebRTC shows the picture now). */
  closeWebSocketVideo(): void;
  /** A WebRTC frame was shown. */
  onWebRtcFrame(width: number, height: number): void;
  showError(text: string): void;
  /** The WebRTC receiver's delivery figures (stats overlay). */
  onDelivery: WebRtcSessionOptions["onDelivery"];
}

/**
 * Starts and falls back between the two transports, and routes input to the data channel when it is open.
 *
 * @example
 * ```ts
 * import { TransportChooser } from "./_transport.ts";
 * import type { TransportChooserOptions } from "./_transport.ts";
 * declare const options: TransportChooserOptions;
 * declare const hello: Parameters<TransportChooser["hello"]>[0];
 * const transport = new TransportChooser(options);
 * transport.hello(hello); // the server's hello: WebRTC or the WebSocket
 * transport.send({ t: "kd", k: 65 });
 * ```
 */
export class TransportChooser {
  readonly #o: TransportChooserOptions;
  #mode: TransportMode;
  #hello: Hello | undefined;
  #rtc: WebRtcSession | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inputChannel: RTCDataChannel | undefined;

  constructor(options: TransportChooserOptions) {
    this.#o = options;
    this.#mode = options.requested;
  }

  /** The mode in use (`auto` until a hello or a fallback settles it). */
  get mode(): TransportMode {
    return this.#mode;
  }

  /** The data channel's state, for tests. */
  get inputChannelState(): string {
    return this.#inputChannel?.readyState ?? "none";
  }

  /** Sends a message: input on the open data channel, the rest on the WebSocket. */
  send(message: ClientMessage): void {
    const text = JSON.stringify(message);
    if (this.#inputChannel?.readyState === "open" && INPUT_KINDS.has(message.t)) {
      this.#inputChannel.send(text);
    } else this.#o.sendText(text);
  }

  /** A hello: settle `auto` from the session's preference, then start the transport. */
  hello(hello: Hello): void {
    this.#hello = hello;
    const { requested, stats } = this.#o;
    if (requested === "auto" && this.#mode === "auto" && hello.transport && hello.transport !== "auto") {
      this.#mode = hello.transport; // The session's own preference (e.g. websocket behind Open OnDemand).
    } else if (requested === "auto" && this.#mode === "auto" && hello.codec === SCREEN_CODEC) {
      // Hybrid screen updates beat WebRTC video on desktop content (text p50 22 vs 44 ms, a still screen
      // sends nothing, text stays exact: docs/benchmarks.md); ?transport=webrtc still picks WebRTC.
      this.#mode = "websocket";
      stats.transportReason = "hybrid screen encoding (sharper text, lower latency on desktop content)";
    }
    this.#start();
  }

  /** Hands a signalling message to the WebRTC session. */
  signal(message: Extract<ServerMessage, { t: "sdp" | "ice" }>): void {
    void this.#rtc?.handle(message);
  }

  /**
   * The server's error: about this viewer's WebRTC peer when one runs (refused, never connected, or ended).
   * Drop our side too: `auto` falls back now, a pinned transport retries; a frozen picture would otherwise
   * stay until ICE times out (~30 s).
   */
  serverError(message: string): void {
    if (this.#rtc) this.#failed(`server: ${message}`);
    else this.#o.showError(message);
  }

  /** The WebSocket closed: WebRTC goes with it (the next hello starts over). */
  close(): void {
    clearTimeout(this.#timer);
    this.#rtc?.close();
    this.#rtc = undefined;
    this.#inputChannel = undefined;
    if (this.#o.stats.transport === "webrtc") this.#o.stats.transport = "none";
  }

  /** Whether a binary media frame on the WebSocket is to be shown (not while WebRTC is or will be). */
  get showsWebSocketMedia(): boolean {
    return this.#o.stats.transport !== "webrtc" && this.#mode !== "webrtc";
  }

  #start(): void {
    this.close();
    const { requested, stats } = this.#o;
    if (this.#mode === "websocket" || !WebRtcSession.available) {
      if (!WebCodecsVideo.available) {
        this.#o.showError(
          "This browser cannot decode video here: WebCodecs needs https (or localhost). " +
            "Open the session over https, or add ?transport=webrtc to the address.",
        );
      }
      if (!WebRtcSession.available && this.#mode !== "websocket") {
        stats.transportReason = "WebRTC unavailable here";
      } else if (requested === "websocket") stats.transportReason = "pinned by ?transport=websocket";
      else if (this.#mode === "websocket" && !stats.transportReason) {
        stats.transportReason = "the session prefers WebSocket";
      }
      return;
    }
    stats.transportReason = "negotiating WebRTC";
    this.#o.video.hidden = false;
    const hello = this.#hello;
    const session: WebRtcSession = this.#rtc = new WebRtcSession({
      video: this.#o.video,
      iceServers: hello?.iceServers ?? [],
      relayOnly: this.#o.relayOnly,
      send: (message) => this.send(message),
      onFirstFrame: () => {
        clearTimeout(this.#timer);
        this.#use("webrtc", requested === "webrtc" ? "pinned by ?transport=webrtc" : "WebRTC connected");
      },
      onFrame: (width, height) => this.#o.onWebRtcFrame(width, height),
      onFailed: (reason) => this.#failed(reason),
      onInputChannel: (channel) => this.#inputChannel = channel,
      // Frame rate and bitrate follow what this browser and its network keep up with.
      adapt: hello?.input ? { maxFps: hello.fps, maxKbps: hello.maxKbps } : undefined,
      fps: hello?.fps,
      onDelivery: this.#o.onDelivery,
    });
    session.start();
    if (this.#mode === "auto") {
      this.#timer = setTimeout(
        () => this.#failed(`no WebRTC video within ${WEBRTC_DEADLINE_MS / 1000} s (ICE ${session.state})`),
        WEBRTC_DEADLINE_MS,
      );
    }
  }

  #use(transport: "websocket" | "webrtc", reason: string): void {
    const { stats, video, canvas } = this.#o;
    stats.transport = transport;
    stats.transportReason = reason;
    video.hidden = transport !== "webrtc";
    canvas.hidden = transport === "webrtc";
    if (transport === "webrtc") this.#o.closeWebSocketVideo();
  }

  #failed(reason: string): void {
    this.close();
    if (this.#mode === "auto") {
      // The server streams to this socket by WebRTC now; a fresh socket gets WebSocket media again.
      this.#mode = "websocket";
      this.#o.stats.transportReason = `WebSocket (fallback: ${reason})`;
      this.#o.video.hidden = true;
      this.#o.canvas.hidden = false;
      this.#o.reconnect();
    } else {
      this.#o.showError(`${reason}; retrying`);
      setTimeout(() => this.#o.reconnect(), 3000);
    }
  }
}
