// The session's stop: what each start step began, ended in reverse order, each step with a bounded wait.
import { getLog } from "../../log.ts";

const log = getLog("session");

/** Cleanup steps run last-in first-out, once; a step that hangs or throws does not stop the ones after it. */
export class CleanupStack {
  readonly #steps: (() => Promise<void> | void)[] = [];
  readonly #stepMs: number;
  #running: Promise<void> | undefined;

  /** `stepMs`: the longest wait for one step before the next runs. */
  constructor(stepMs: number) {
    this.#stepMs = stepMs;
  }

  /** Adds a step (run before every step pushed earlier). */
  push(step: () => Promise<void> | void): void {
    this.#steps.push(step);
  }

  /** Runs the steps; every caller, however often it asks, waits for the same run. */
  run(): Promise<void> {
    return this.#running ??= this.#runAll();
  }

  async #runAll(): Promise<void> {
    for (const step of this.#steps.splice(0).reverse()) {
      // One step that hangs (a connection that will not close) must not keep the desktop's processes alive.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<string>((resolve) =>
        timer = setTimeout(() => resolve("timed out"), this.#stepMs)
      );
      try {
        const outcome = await Promise.race([Promise.resolve(step()).then(() => "ok"), timeout]);
        if (outcome !== "ok") log.warning("a cleanup step {outcome}; going on", { outcome });
      } catch (error) {
        log.warning("cleanup failed: {error}", { error: String(error) });
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
