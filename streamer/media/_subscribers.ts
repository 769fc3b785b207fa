/**
 * The receivers of the shared (WebSocket) encoder's frames: each starts at a keyframe, video frames are
 * numbered once for all of them (what viewers acknowledge, protocol/pacing.ts), and whether any of them has
 * room for another frame decides whether the encoder runs.
 *
 * @module
 */
import { type MediaFrame, SEQ_MODULO } from "../../protocol/protocol.ts";
import { getLog } from "../../log.ts";
import type { IpcFrame } from "./_ipc.ts";

const log = getLog("media");

/** How a subscriber is paced. */
export interface SubscribeOptions {
  /**
   * Whether the subscriber has room for another video frame now. The encoder runs while any subscriber
   * has room; call {@linkcode MediaSession.pace} when the answer may have changed. @default {always true}
   */
  ready?: () => boolean;
}

interface Subscriber {
  onFrame: (frame: MediaFrame) => void;
  ready?: () => boolean;
  needKey: boolean;
}

/**
 * The set of subscribers of one media session.
 *
 * @example
 * ```ts
 * import { Subscribers } from "./_subscribers.ts";
 * import type { IpcFrame } from "./_ipc.ts";
 * declare const encoded: Extract<IpcFrame, { type: "video" }>; // from the shared worker
 * const subscribers = new Subscribers();
 * const unsubscribe = subscribers.add((frame) => console.log(frame.seq), { ready: () => true });
 * subscribers.dispatch(encoded);
 * unsubscribe();
 * ```
 */
export class Subscribers {
  #set = new Set<Subscriber>();
  #seq = 0;

  /** How many subscribe now. */
  get size(): number {
    return this.#set.size;
  }

  /**
   * Whether some subscriber has room for another frame. With none at all, pacing has nothing to say (true):
   * the idle gate holds the encoder then.
   */
  get room(): boolean {
    if (this.#set.size === 0) return true;
    for (const s of this.#set) if (!s.ready || s.ready()) return true;
    return false;
  }

  /** Adds one; it gets video from the next keyframe on. Returns the function that removes it. */
  add(onFrame: (frame: MediaFrame) => void, options: SubscribeOptions): () => void {
    const subscriber: Subscriber = { onFrame, ready: options.ready, needKey: true };
    this.#set.add(subscriber);
    return () => this.#set.delete(subscriber);
  }

  /** Every subscriber waits for a keyframe (a new worker starts). */
  needKeyframe(): void {
    for (const s of this.#set) s.needKey = true;
  }

  /** Hands one encoded frame to every subscriber that can decode it; numbers video frames. */
  dispatch(frame: Extract<IpcFrame, { type: "video" | "audio" }>): void {
    const video = frame.type === "video";
    const out: MediaFrame = {
      kind: frame.type,
      key: frame.key,
      timestampUs: frame.timestampUs,
      payload: frame.payload,
      seq: video ? this.#seq = (this.#seq + 1) % SEQ_MODULO : 0,
    };
    for (const s of this.#set) {
      if (video) {
        if (s.needKey && !frame.key) continue;
        s.needKey = false;
      } else if (s.needKey) continue;
      try {
        s.onFrame(out);
      } catch (error) {
        log.warn("a media subscriber threw: {error}", { error: String(error) });
      }
    }
  }
}
