/**
 * WebRTC transport: the server offers, the browser answers, ICE trickles both ways over the control
 * WebSocket; video (and audio) play in a `<video>` element, input may use the `input` data channel.
 *
 * @module
 */
import type { ClientMessage, ServerMessage } from "../../protocol/protocol.ts";
import { type Adaptation, Adapter, type AdaptOptions } from "./adapt.ts";
import { type Counters, type ReceiverDelivery, receiverDelivery } from "./_receiver.ts";

/** Options of {@linkcode WebRtcSession}. */
export interface WebRtcSessionOptions {
  /** The element that plays the remote stream. */
  video: HTMLVideoElement;
  /** ICE servers from the server's `hello`. */
  iceServers: RTCIceServer[];
  /** Use TURN relays only (`?relay=1`), e.g. to prove the relay path or hide addresses. @default {false} */
  relayOnly?: boolean;
  /** Sends a control message over the WebSocket. */
  send(message: ClientMessage): void;
  /** The first video frame was shown. */
  onFirstFrame(): void;
  /** Called for every shown frame (for statistics). */
  onFrame(width: number, height: number): void;
  /** The connection failed or closed; the caller falls back or retries. */
  onFailed(reason: string): void;
  /** The `input` data channel opened (or closed: `undefined`). */
  onInputChannel(channel: RTCDataChannel | undefined): void;
  /**
   * Lower the frame rate (and, given the session's cap, the bitrate) while this browser or its network falls
   * behind, and raise them again after (adapt.ts); only for a viewer allowed to change them. @default {off}
   */
  adapt?: AdaptOptions;
  /** A change was asked of the streamer, with why. */
  onAdapt?(change: Adaptation): void;
  /** The session's frame rate (what the stage that limits is judged against). @default {adapt.maxFps or 30} */
  fps?: number;
  /** Once a second: this receiver's delivery (fps, queue, latency estimate, the stage that limits). */
  onDelivery?(delivery: ReceiverDelivery): void;
}

/**
 * One WebRTC session; start it with {@linkcode WebRtcSession.start}, feed it the server's `sdp`/`ice`.
 *
 * @example
 * ```ts
 * import { WebRtcSession } from "./webrtc.ts";
 * import type { ClientMessage, ServerMessage } from "../../protocol/protocol.ts";
 * declare const hello: Extract<ServerMessage, { t: "hello" }>;
 * const video = document.querySelector("video")!;
 * const send = (message: ClientMessage) => console.log(message);
 * const rtc = new WebRtcSession({ video, iceServers: hello.iceServers, send, onFirstFrame() {},
 *   onFrame() {}, onFailed: console.warn, onInputChannel() {} });
 * rtc.start();
 * ```
 */
export class WebRtcSession {
  readonly #options: WebRtcSessionOptions;
  readonly #pc: RTCPeerConnection;
  readonly #pendingIce: RTCIceCandidateInit[] = [];
  #haveRemote = false;
  #closed = false;
  #sawFrame = false;
  #pliCount = 0;
  #lastFrameAt = 0;
  #presented = 0;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  readonly #adapter: Adapter | undefined;
  #last: Counters | undefined;

  constructor(options: WebRtcSessionOptions) {
    this.#options = options;
    this.#adapter = options.adapt && new Adapter(options.adapt);
    this.#pc = new RTCPeerConnection({
      iceServers: options.iceServers,
      iceTransportPolicy: options.relayOnly ? "relay" : "all",
    });
    this.#pc.addEventListener("icecandidate", (event) => {
      const c = event.candidate;
      // A null or empty candidate marks the end of gathering; the protocol has no message for it.
      if (!c || !c.candidate) return;
      options.send({ t: "ice", candidate: c.candidate, sdpMLineIndex: c.sdpMLineIndex ?? 0 });
    });
    this.#pc.addEventListener("track", (event) => {
      lowLatency(event.receiver);
      const stream = event.streams[0] ?? new MediaStream([event.track]);
      if (options.video.srcObject !== stream) options.video.srcObject = stream;
      options.video.play().catch(() => {
        // Autoplay with sound was refused: play muted until the first user gesture unmutes.
        options.video.muted = true;
        options.video.play().catch(() => {});
      });
      if (event.track.kind === "video") {
        this.#watchFrames();
        this.#statsTimer ??= setInterval(() => this.#watchStats(), 1000);
      }
    });
    this.#pc.addEventListener("datachannel", (event) => {
      const channel = event.channel;
      if (channel.label !== "input") return;
      channel.addEventListener("open", () => options.onInputChannel(channel));
      channel.addEventListener("close", () => options.onInputChannel(undefined));
    });
    this.#pc.addEventListener("connectionstatechange", () => {
      const state = this.#pc.connectionState;
      if (state === "failed" || state === "closed") this.#fail(`WebRTC connection ${state}`);
    });
  }

  /** Whether this browser has WebRTC at all. */
  static get available(): boolean {
    return typeof globalThis.RTCPeerConnection === "function";
  }

  /** ICE connection state, for messages about why WebRTC did not work. */
  get state(): string {
    return `${this.#pc.iceConnectionState}/${this.#pc.connectionState}`;
  }

  /** Asks the server for an offer. */
  start(): void {
    this.#options.send({ t: "webrtc" });
  }

  /** Handles the server's offer and ICE candidates; other messages are ignored. */
  async handle(message: ServerMessage): Promise<void> {
    if (this.#closed) return;
    try {
      if (message.t === "sdp" && message.type === "offer") {
        await this.#pc.setRemoteDescription({ type: "offer", sdp: message.sdp });
        this.#haveRemote = true;
        for (const candidate of this.#pendingIce.splice(0)) await this.#pc.addIceCandidate(candidate);
        const answer = await this.#pc.createAnswer();
        await this.#pc.setLocalDescription(answer);
        this.#options.send({ t: "sdp", type: "answer", sdp: this.#pc.localDescription?.sdp ?? answer.sdp! });
      } else if (message.t === "ice") {
        const candidate = { candidate: message.candidate, sdpMLineIndex: message.sdpMLineIndex };
        if (this.#haveRemote) await this.#pc.addIceCandidate(candidate);
        else this.#pendingIce.push(candidate);
      }
    } catch (error) {
      this.#fail(`WebRTC negotiation failed: ${(error as Error).message}`);
    }
  }

  /** Ends the session and detaches the stream. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#statsTimer);
    this.#pc.close();
    this.#options.video.srcObject = null;
    this.#options.onInputChannel(undefined);
  }

  #fail(reason: string): void {
    if (this.#closed) return;
    this.close();
    this.#options.onFailed(reason);
  }

  /**
   * Once a second. The browser asks for a keyframe with an RTCP PLI after loss, but an idle (damage-gated)
   * server sends no frames to answer with until the screen changes: echo each new PLI as `{t:"kf"}`, which
   * the server answers with a keyframe even while idle. Reports the receiver's delivery, and, when adapting,
   * feeds its counters to the adapter and sends what it asks for.
   */
  async #watchStats(): Promise<void> {
    if (this.#closed) return;
    const report = await this.#pc.getStats().catch(() => undefined);
    if (!report || this.#closed) return;
    const now: Counters = {
      at: performance.now(),
      framesReceived: 0,
      framesDecoded: 0,
      framesDropped: 0,
      decodeS: 0,
      processingS: 0,
      framesPresented: this.#presented,
      packetsReceived: 0,
      packetsLost: 0,
    };
    report.forEach((s) => {
      if (s.type === "candidate-pair" && s.nominated && typeof s.currentRoundTripTime === "number") {
        now.rttMs = s.currentRoundTripTime * 1000;
      }
      if (s.type !== "inbound-rtp") return;
      now.packetsReceived += Number(s.packetsReceived ?? 0);
      now.packetsLost += Math.max(0, Number(s.packetsLost ?? 0));
      if (s.kind !== "video") return;
      now.framesReceived += Number(s.framesReceived ?? 0);
      now.framesDecoded += Number(s.framesDecoded ?? 0);
      now.framesDropped += Number(s.framesDropped ?? 0);
      now.decodeS += Number(s.totalDecodeTime ?? 0);
      now.processingS += Number(s.totalProcessingDelay ?? 0);
      const plis = Number(s.pliCount ?? 0);
      // While frames flow the encoder hears the PLI itself (RTCP); only a stalled picture needs the echo.
      const stalled = performance.now() - this.#lastFrameAt > 1000;
      if (plis > this.#pliCount && stalled) this.#options.send({ t: "kf" });
      this.#pliCount = plis;
    });
    const last = this.#last;
    this.#last = now;
    if (!last) return;
    const asked = this.#adapter?.fps ?? this.#options.fps ?? this.#options.adapt?.maxFps ?? 30;
    const delivery = receiverDelivery(last, now, asked);
    this.#options.onDelivery?.(delivery);
    // An idle (damage-gated) screen sends no frames: nothing to judge.
    if (!this.#adapter || delivery.sample.framesReceived === 0) return;
    const change = this.#adapter.update(delivery.sample);
    if (!change) return;
    if (change.fps !== undefined) this.#options.send({ t: "fps", fps: change.fps });
    if (change.kbps !== undefined) this.#options.send({ t: "bitrate", kbps: change.kbps });
    this.#options.onAdapt?.(change);
  }

  #watchFrames(): void {
    const video = this.#options.video;
    const first = () => {
      if (this.#closed || this.#sawFrame || video.videoWidth === 0) return;
      this.#sawFrame = true;
      this.#options.onFirstFrame();
    };
    // `loadeddata` also fires for a video still covered by the canvas, where frame callbacks may not.
    video.addEventListener("loadeddata", first, { once: true });
    const onFrame = () => {
      if (this.#closed) return;
      if (video.videoWidth > 0) {
        this.#lastFrameAt = performance.now();
        this.#presented++;
        first();
        this.#options.onFrame(video.videoWidth, video.videoHeight);
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }
}

/**
 * Asks a receiver to hold media no longer than it must: `jitterBufferTarget = 0` (standard) and Chromium's
 * older `playoutDelayHint = 0`. Both only lower the minimum delay a page may ask for; the frames themselves go
 * straight to the decoder and the screen because the server marks them with the RTP playout-delay extension
 * (min = max = 0, see streamer/gst/playout_delay.ts), which a page cannot set.
 */
function lowLatency(receiver: RTCRtpReceiver): void {
  const hints = receiver as RTCRtpReceiver & {
    jitterBufferTarget?: number | null;
    playoutDelayHint?: number;
  };
  try {
    if ("jitterBufferTarget" in hints) hints.jitterBufferTarget = 0;
    if ("playoutDelayHint" in hints) hints.playoutDelayHint = 0;
  } catch {
    // An engine that rejects the hint keeps its own default.
  }
}
