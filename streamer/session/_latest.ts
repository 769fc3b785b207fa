/**
 * Runs a viewer's slow requests (a WebRTC peer, a resize) one at a time, keeping only the latest waiting:
 * ten back-to-back requests from one browser must not start ten media workers, and the last one wins.
 *
 * @module
 */

/**
 * One job at a time; a job submitted while another runs waits, and replaces any job already waiting.
 *
 * @example
 * ```ts
 * import { LatestRunner } from "./_latest.ts";
 * const runner = new LatestRunner();
 * const sizes: number[] = [];
 * for (const w of [800, 900, 1000]) runner.run(async () => void sizes.push(w)).catch(console.error);
 * await runner.idle();
 * // sizes: [800, 1000] (900 was replaced while 800 ran)
 * ```
 */
export class LatestRunner {
  #waiting: { job: () => Promise<unknown>; done: PromiseWithResolvers<boolean> } | undefined;
  #running: Promise<void> | undefined;

  /**
   * Runs `job` once the current job is done. Resolves `true` when it ran, `false` when a later job replaced
   * it before it started; rejects with the job's own error.
   */
  run(job: () => Promise<unknown>): Promise<boolean> {
    this.#waiting?.done.resolve(false);
    const done = Promise.withResolvers<boolean>();
    this.#waiting = { job, done };
    this.#running ??= this.#drain();
    return done.promise;
  }

  /** Resolves once no job runs or waits. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    while (this.#waiting) {
      const { job, done } = this.#waiting;
      this.#waiting = undefined;
      try {
        await job();
        done.resolve(true);
      } catch (error) {
        done.reject(error);
      }
    }
    this.#running = undefined;
  }
}
