/**
 * The viewer WebSockets the gateway relays, per session: how many are connected (the viewers gauge) and which
 * came through a share link (revoking it ends them). A session's entry goes when its last viewer leaves, so a
 * gateway that serves sessions for months does not keep one per session it ever relayed.
 *
 * @module
 */

/** One connected viewer. */
export interface ViewerRecord {
  /** The share link it came through, if any. */
  shareId?: string;
  /** Disconnects it, saying why. */
  kick(why: string): void;
}

/**
 * Connected viewers by session id.
 *
 * @example
 * ```ts
 * import { SessionViewers } from "./viewers.ts";
 * const viewers = new SessionViewers();
 * const leave = viewers.add("abcdefgh", { kick: () => {} });
 * viewers.count; // 1
 * leave();
 * viewers.sessionCount; // 0
 * ```
 */
export class SessionViewers {
  readonly #bySession = new Map<string, Set<ViewerRecord>>();
  #count = 0;

  /** Adds a viewer of `sessionId`; returns the function that removes it (once; later calls do nothing). */
  add(sessionId: string, viewer: ViewerRecord): () => void {
    let set = this.#bySession.get(sessionId);
    if (!set) this.#bySession.set(sessionId, set = new Set());
    set.add(viewer);
    this.#count++;
    return () => {
      if (!set.delete(viewer)) return;
      this.#count--;
      if (set.size === 0 && this.#bySession.get(sessionId) === set) this.#bySession.delete(sessionId);
    };
  }

  /** The viewers of `sessionId` now (a copy: kicking one while iterating is safe). */
  of(sessionId: string): ViewerRecord[] {
    return [...this.#bySession.get(sessionId) ?? []];
  }

  /** Viewers connected. */
  get count(): number {
    return this.#count;
  }

  /** Sessions with at least one viewer connected. */
  get sessionCount(): number {
    return this.#bySession.size;
  }
}
