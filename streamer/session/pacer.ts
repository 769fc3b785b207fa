/**
 * Receiver-paced delivery to one viewer (protocol/pacing.ts): which video frames go out, how many may be
 * unacknowledged, and what the viewer's acknowledgements say about its round trip and its latency.
 *
 * Measured before (2-core box, 720p30, headless Chromium throttled 8x): the page showed frames 0.9 s old
 * (p50; 1.8 s p90) because every frame queued for it. With a window of two frames, the encoder runs at the
 * rate the viewer draws, and a frame is never older than about two of the viewer's frame times.
 *
 * @module
 */
import { KeyframeGate } from "../../protocol/keyframe_gate.ts";
import { limitingStage } from "../../protocol/limit.ts";
import { type Delivery, type MediaFrame, PACING, pacingWindow } from "../../protocol/protocol.ts";

/** Options of {@linkcode FramePacer}. */
export interface FramePacerOptions {
  /** Frames per second the encoder is asked for (sizes the window from the round trip). */
  fps: () => number;
  /** Frames per second the encoder made lately (tells a slow encoder from a slow viewer). @default {fps} */
  encodedFps?: () => number;
  /** Asks the shared encoder for a keyframe: this viewer skipped frames and has room again. */
  requestKeyframe: () => void;
  /** Whether this viewer has room for a frame changed: the encoder should ask its viewers again. */
  onRoomChange: () => void;
  /** Monotonic clock, ms. @default {() => performance.now()} */
  now?: () => number;
  /** Wall clock, ms since the epoch: the clock capture times are on. @default {Date.now} */
  wallNow?: () => number;
}

interface InFlight {
  sentAt: number;
  wallSentAt: number;
  captureMs: number;
}

/** Weight of a new sample in the smoothed latency and browser time. */
const WEIGHT = 0.2;

/** Frames waited for the viewer when its window was full for more than this share of the last second. */
const WAITED = 0.5;

/**
 * The pacing state of one viewer of WebSocket media.
 *
 * @example
 * ```ts
 * import { FramePacer } from "./pacer.ts";
 * const pacer = new FramePacer({ fps: () => 30, requestKeyframe() {}, onRoomChange() {} });
 * const frame = { kind: "video" as const, key: true, seq: 1, timestampUs: Date.now() * 1000, payload: new Uint8Array() };
 * pacer.admit(frame, false); // true: send it
 * pacer.ack(1, 12, true);
 * pacer.delivery().inFlight; // 0
 * pacer.close();
 * ```
 */
export class FramePacer {
  readonly #options: FramePacerOptions;
  readonly #now: () => number;
  readonly #wallNow: () => number;
  /** Frames sent and not acknowledged, by number, in the order sent. */
  readonly #inFlight = new Map<number, InFlight>();
  /** The viewer starts at a keyframe: the media session asked for one when it subscribed. */
  readonly #gate = new KeyframeGate({ startAtKeyframe: true });
  #paced = false;
  #bytesCongested = false;
  #lastAsk = -Infinity;
  #room = true;
  /** Round-trip samples, increasing: the front is the smallest within {@linkcode PACING.rttMemoryMs}. */
  #rtts: { at: number; ms: number }[] = [];
  #latencyMs = 0;
  /** The browser's own time per frame (arrival to done), smoothed; whether that is under a frame interval. */
  #clientMs: number | undefined;
  #keepsUp = false;
  #drawn: number[] = [];
  /** Spans without room, ended ones of about the last second, and when the current one began. */
  #held: { from: number; to: number }[] = [];
  #heldFrom: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Starts unpaced: pacing begins with the viewer's first acknowledgement. */
  constructor(options: FramePacerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#wallNow = options.wallNow ?? Date.now;
  }

  /** Whether the viewer has room for another frame (always, until it acknowledges a first one). */
  get ready(): boolean {
    return !this.#paced || this.#inFlight.size < this.window;
  }

  /** Frames allowed in flight: one round trip's worth, at least two; one more while the viewer keeps up. */
  get window(): number {
    return pacingWindow(this.#rtts[0]?.ms ?? 0, this.#options.fps(), this.#keepsUp);
  }

  /**
   * Decides whether to send one frame: audio always, video unless the viewer skips to the next keyframe
   * because its window is full past the slack or its socket holds too many bytes (`bytesCongested`).
   */
  admit(frame: MediaFrame, bytesCongested: boolean): boolean {
    if (frame.kind !== "video") return !bytesCongested;
    const now = this.#now();
    this.#expire(now);
    const full = this.#paced && this.#inFlight.size >= this.window + PACING.slack;
    this.#bytesCongested = bytesCongested;
    const { send } = this.#gate.admitFrame(frame, bytesCongested || full);
    if (send) {
      this.#inFlight.set(frame.seq ?? 0, {
        sentAt: now,
        wallSentAt: this.#wallNow(),
        captureMs: frame.timestampUs / 1000,
      });
    }
    this.#update(now);
    return send;
  }

  /**
   * The viewer is done with frame `seq` and every older one; `ms` is the time it spent in the browser and
   * `drawn` whether it was shown (not dropped for a newer one). Unknown numbers are ignored.
   */
  ack(seq: number, ms: number, drawn: boolean): void {
    const entry = this.#inFlight.get(seq);
    if (!entry) return;
    const now = this.#now();
    this.#paced = true;
    for (const key of this.#inFlight.keys()) {
      this.#inFlight.delete(key);
      if (key === seq) break;
    }
    this.#clientMs = this.#clientMs === undefined ? ms : this.#clientMs + WEIGHT * (ms - this.#clientMs);
    // With some hysteresis, so that a viewer near the frame rate does not flip at every frame.
    const frameMs = 1000 / Math.max(1, this.#options.fps());
    if (this.#clientMs < 0.8 * frameMs) this.#keepsUp = true;
    else if (this.#clientMs > frameMs) this.#keepsUp = false;
    const rtt = Math.max(0, now - entry.sentAt - ms);
    while (this.#rtts.length && this.#rtts[this.#rtts.length - 1].ms >= rtt) this.#rtts.pop();
    this.#rtts.push({ at: now, ms: rtt });
    while (this.#rtts[0].at < now - PACING.rttMemoryMs) this.#rtts.shift();
    if (drawn) {
      // Drawn at ack time less the way back (half the smallest round trip), all on this host's clocks.
      const drawnWall = entry.wallSentAt + (now - entry.sentAt) - this.#rtts[0].ms / 2;
      const latency = Math.max(0, drawnWall - entry.captureMs);
      this.#latencyMs = this.#drawn.length ? this.#latencyMs + WEIGHT * (latency - this.#latencyMs) : latency;
      this.#drawn.push(now);
    }
    this.#update(now);
  }

  /** What this viewer's delivery looks like now (for its overlay and `/metrics`). */
  delivery(): Delivery {
    const now = this.#now();
    while (this.#drawn.length && this.#drawn[0] < now - 1000) this.#drawn.shift();
    const asked = this.#options.fps();
    const limit = limitingStage({
      askedFps: asked,
      deliveredFps: this.#drawn.length,
      encodedFps: this.#options.encodedFps?.() ?? asked,
      browserMs: this.#clientMs ?? 0,
      waited: this.#paced && this.#heldMs(now) > WAITED * 1000,
    });
    return {
      paced: this.#paced,
      fps: this.#drawn.length,
      inFlight: this.#inFlight.size,
      window: this.window,
      rttMs: Math.round((this.#rtts[0]?.ms ?? 0) * 10) / 10,
      browserMs: Math.round((this.#clientMs ?? 0) * 10) / 10,
      latencyMs: Math.round(this.#latencyMs),
      skipped: this.#gate.dropped,
      limit,
    };
  }

  /** Milliseconds of the last second this viewer had no room (its window full: frames waited for it). */
  #heldMs(now: number): number {
    const since = now - 1000;
    this.#held = this.#held.filter((span) => span.to > since);
    const spans = this.#heldFrom === undefined
      ? this.#held
      : [...this.#held, { from: this.#heldFrom, to: now }];
    return spans.reduce((sum, span) => sum + span.to - Math.max(since, span.from), 0);
  }

  /** Stops the timer; the pacer is not used again. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Frames unacknowledged for {@linkcode PACING.lostMs} count as lost: they free their place. */
  #expire(now: number): void {
    for (const [key, entry] of this.#inFlight) {
      if (entry.sentAt > now - PACING.lostMs) break;
      this.#inFlight.delete(key);
    }
  }

  #update(now: number): void {
    const room = this.ready;
    // A skipping viewer with room asks for its keyframe, rate-limited: every viewer pays for it.
    if (this.#gate.dropping && room && !this.#bytesCongested && now - this.#lastAsk >= PACING.keyframeMs) {
      this.#lastAsk = now;
      this.#options.requestKeyframe();
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!room) {
      // No acknowledgement may ever come (a stuck tab): the oldest frame's loss frees a place.
      const oldest = this.#inFlight.values().next().value;
      const wait = oldest ? oldest.sentAt + PACING.lostMs - now : PACING.lostMs;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        const later = this.#now();
        this.#expire(later);
        this.#update(later);
      }, Math.max(1, wait));
    }
    if (room !== this.#room) {
      this.#room = room;
      if (!room) this.#heldFrom = now;
      else if (this.#heldFrom !== undefined) {
        this.#held = this.#held.filter((span) => span.to > now - 1000); // bounded without delivery() reads
        this.#held.push({ from: this.#heldFrom, to: now });
        this.#heldFrom = undefined;
      }
      this.#options.onRoomChange();
    }
  }
}
