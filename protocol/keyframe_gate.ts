/**
 * The one rule every media sender applies when its path is congested (a viewer socket, a tunnel stream, the
 * gateway's relay to a browser, a viewer whose pacing window is full): drop video up to the next keyframe,
 * never part of a group of pictures, so the viewer skips ahead instead of buffering without bound.
 * Audio and text always pass (their own byte budgets apply).
 *
 * @module
 */
import { decodeMediaFrame, type MediaFrame } from "./framing.ts";

/** What {@linkcode KeyframeGate} decided for one frame. */
export interface GateDecision {
  /** Whether to send the frame. */
  send: boolean;
  /** Whether to ask the encoder for a keyframe now (a tunnel or relay sends `{"t":"kf"}` on the stream). */
  requestKeyframe: boolean;
}

const PASS: GateDecision = { send: true, requestKeyframe: false };

/**
 * Drops video frames of one congested path up to the next keyframe; asks for a keyframe when congestion
 * starts and once more when it clears in the middle of a gap (the next natural keyframe may be far away).
 *
 * @example
 * ```ts
 * import { KeyframeGate } from "./keyframe_gate.ts";
 * const gate = new KeyframeGate();
 * gate.admitFrame({ kind: "video", key: false }, true); // { send: false, requestKeyframe: true }
 * gate.admitFrame({ kind: "video", key: true }, false); // { send: true, requestKeyframe: false }
 * ```
 */
export class KeyframeGate {
  #dropping: boolean;
  #askedSinceClear: boolean;
  /** Video frames dropped so far. */
  dropped = 0;

  /**
   * Creates a gate that passes everything, or, with `startAtKeyframe`, one that drops video up to the first
   * keyframe (already asked for: the gate does not ask again unless congestion comes and goes).
   */
  constructor(options: { startAtKeyframe?: boolean } = {}) {
    this.#dropping = options.startAtKeyframe ?? false;
    this.#askedSinceClear = this.#dropping;
  }

  /**
   * Decides for one wire message (a binary media frame or a text control message), given whether its path
   * is congested; bytes that are not a media frame pass.
   *
   * @example
   * ```ts
   * import { encodeMediaFrame } from "./framing.ts";
   * import { KeyframeGate } from "./keyframe_gate.ts";
   * const delta = encodeMediaFrame({ kind: "video", key: false, timestampUs: 0, payload: new Uint8Array(1) });
   * new KeyframeGate().admit(delta, true); // { send: false, requestKeyframe: true }
   * ```
   */
  admit(data: string | Uint8Array, congested: boolean): GateDecision {
    if (typeof data === "string") return PASS;
    const frame = decodeMediaFrame(data);
    return frame ? this.admitFrame(frame, congested) : PASS;
  }

  /**
   * Decides for one media frame, given whether its path is congested.
   *
   * @example
   * ```ts
   * import { KeyframeGate } from "./keyframe_gate.ts";
   * new KeyframeGate().admitFrame({ kind: "audio", key: true }, true).send; // true
   * ```
   */
  admitFrame(frame: Pick<MediaFrame, "kind" | "key">, congested: boolean): GateDecision {
    if (frame.kind !== "video") return PASS;
    if (!this.#dropping && !congested) return PASS;
    if (this.#dropping && frame.key && !congested) {
      this.#dropping = false;
      return PASS;
    }
    this.dropped++;
    if (!this.#dropping) {
      this.#dropping = true;
      this.#askedSinceClear = false;
      return { send: false, requestKeyframe: true };
    }
    const ask = !congested && !this.#askedSinceClear;
    if (ask) this.#askedSinceClear = true;
    if (congested) this.#askedSinceClear = false;
    return { send: false, requestKeyframe: ask };
  }

  /** Whether the gate is skipping frames until the next keyframe. */
  get dropping(): boolean {
    return this.#dropping;
  }
}
