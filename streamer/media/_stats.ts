/**
 * Sliding-window frame and byte counts.
 *
 * @module
 */

const WINDOW_MS = 2000;

/** Counts video frames and media bytes over the last two seconds. */
export class FrameStats {
  #events: { at: number; video: boolean; bytes: number }[] = [];

  /** Records one frame. */
  add(kind: "video" | "audio", bytes: number, at = performance.now()): void {
    this.#events.push({ at, video: kind === "video", bytes });
    this.#trim(at);
  }

  /** Video frames per second and kbit/s (video + audio) over the window. */
  read(now = performance.now()): { fps: number; kbps: number } {
    this.#trim(now);
    const frames = this.#events.filter((e) => e.video).length;
    const bytes = this.#events.reduce((sum, e) => sum + e.bytes, 0);
    return { fps: frames / (WINDOW_MS / 1000), kbps: (bytes * 8) / WINDOW_MS };
  }

  #trim(now: number): void {
    let drop = 0;
    while (drop < this.#events.length && now - this.#events[drop].at > WINDOW_MS) drop++;
    if (drop) this.#events.splice(0, drop);
  }
}
