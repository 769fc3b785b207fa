// CLIPBOARD through xclip children: one long-lived `xclip -i` owns what we set, one short `xclip -o` reads
// after each ownership change. Changes are rare (user copies), so a child per change is cheap enough,
// and xclip handles large transfers (INCR) that an FFI selection owner would have to reimplement.
import { getLog } from "../../log.ts";

/** The most text accepted for the clipboard, in UTF-16 code units. */
export const MAX_CLIPBOARD = 4 * 1024 * 1024;

const READ_TIMEOUT_MS = 3000;

/** Sets and reads the CLIPBOARD selection of one display. */
export class Clipboard {
  readonly #env: Record<string, string>;
  #owner: Deno.ChildProcess | null = null;
  /** The text the selection is known to hold (set by us or already delivered): never delivered again. */
  #known: string | null = null;
  /** Counts our own sets: a read that a set overtook may hold the previous owner's text. */
  #sets = 0;
  #reading: Promise<void> | null = null;
  #again = false;
  #closed = false;

  constructor(env: Record<string, string>) {
    this.#env = env;
  }

  /** Takes the selection with `text` (the previous owner child is ended). */
  async set(text: string): Promise<void> {
    if (text.length > MAX_CLIPBOARD) throw new RangeError(`clipboard text over ${MAX_CLIPBOARD} characters`);
    this.#endOwner();
    this.#known = text;
    this.#sets++;
    const child = new Deno.Command("xclip", {
      args: ["-selection", "clipboard", "-i", "-quiet"],
      env: this.#env,
      stdin: "piped",
      stdout: "null",
      stderr: "null",
    }).spawn();
    this.#owner = child;
    child.status.finally(() => {
      if (this.#owner === child) this.#owner = null;
    });
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(text));
    await writer.close();
  }

  /** Reads the selection after an ownership change, calling `deliver` when its text is new to us. */
  changed(deliver: (text: string) => void): void {
    if (this.#reading) {
      this.#again = true; // re-read once the running read ends: the newest owner wins
      return;
    }
    this.#reading = (async () => {
      do {
        this.#again = false;
        const sets = this.#sets;
        const text = await this.#read();
        if (sets !== this.#sets) continue; // we took the selection meanwhile: the text may be stale
        // Two ownership changes in one read (another client took it while we read) re-read the same
        // text: compare with what is known, not only with what we set, so it is delivered once.
        if (text !== null && text !== this.#known && !this.#closed) {
          this.#known = text;
          deliver(text);
        }
      } while (this.#again && !this.#closed);
    })().catch((error) => getLog("x11").warn("clipboard read failed: {error}", { error: String(error) }))
      .finally(() => this.#reading = null);
  }

  async #read(): Promise<string | null> {
    for (const target of [["-t", "UTF8_STRING"], []]) {
      const signal = AbortSignal.timeout(READ_TIMEOUT_MS);
      const out = await new Deno.Command("xclip", {
        args: ["-selection", "clipboard", "-o", ...target],
        env: this.#env,
        stdin: "null",
        stdout: "piped",
        stderr: "null",
        signal,
      }).output();
      if (out.success && out.stdout.length <= MAX_CLIPBOARD * 4) return new TextDecoder().decode(out.stdout);
    }
    return null;
  }

  #endOwner(): void {
    try {
      this.#owner?.kill("SIGTERM");
    } catch {
      // already gone
    }
    this.#owner = null;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const owner = this.#owner;
    this.#endOwner();
    await owner?.status;
    await this.#reading;
  }
}
