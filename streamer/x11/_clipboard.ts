// CLIPBOARD through xclip children: one long-lived `xclip -i` owns what we set, one short `xclip -o` reads
// after each ownership change. Changes are rare (user copies), so a child per change is cheap enough,
// and xclip handles large transfers (INCR) that an FFI selection owner would have to reimplement.
// PNG images go the same way (`-t image/png`): an owner offering text gets its text read, one offering
// image/png and no text its image (a spreadsheet's cells offer both and are meant as text).
import { getLog } from "../../log.ts";
import { imageSizeProblem, isPng, MAX_CLIPBOARD_IMAGE_BYTES } from "../../protocol/clipboard_image.ts";

/** The most text accepted for the clipboard, in UTF-16 code units. */
export const MAX_CLIPBOARD = 4 * 1024 * 1024;

const READ_TIMEOUT_MS = 3000;
/** Megabytes of image through INCR on a loaded box take longer than text. */
const IMAGE_TIMEOUT_MS = 10_000;
/** Targets an owner offers when it holds text. */
const TEXT_TARGETS = new Set(["UTF8_STRING", "STRING", "TEXT", "COMPOUND_TEXT", "text/plain"]);

/** An image on the CLIPBOARD: its PNG bytes, or why it is not carried (too large, not a PNG). */
export type ClipboardImage = { png: Uint8Array } | { refused: string };

/** Where {@linkcode Clipboard.changed} delivers what the selection holds. */
export interface ClipboardListener {
  text(text: string): void;
  /** Absent: images are not read (an owner offering only an image is read as text, as before). */
  image?: (image: ClipboardImage) => void;
}

/** Sets and reads the CLIPBOARD selection of one display. */
export class Clipboard {
  readonly #env: Record<string, string>;
  #owner: Deno.ChildProcess | null = null;
  /** The text the selection is known to hold (set by us or already delivered): never delivered again. */
  #known: string | null = null;
  /** The image the selection is known to hold, likewise. */
  #knownImage: Uint8Array | null = null;
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
    this.#known = text;
    this.#knownImage = null;
    await this.#own([], new TextEncoder().encode(text));
  }

  /** Takes the selection with a PNG image (checked for its signature and size, nothing more). */
  async setImage(png: Uint8Array): Promise<void> {
    const problem = isPng(png) ? imageSizeProblem(png.byteLength) : "the image is not a PNG";
    if (problem) throw new RangeError(problem);
    this.#knownImage = png;
    this.#known = null;
    await this.#own(["-t", "image/png"], png);
  }

  async #own(target: string[], bytes: Uint8Array): Promise<void> {
    this.#endOwner();
    this.#sets++;
    const child = new Deno.Command("xclip", {
      args: ["-selection", "clipboard", ...target, "-i", "-quiet"],
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
    try {
      await writer.write(bytes);
      await writer.close();
    } catch (error) {
      // A newer set ended this xclip before it had read everything (its pipe broke): the newer one owns the
      // selection now, which is what the caller wanted. Only the current owner's failure is one.
      if (this.#owner !== child) return;
      throw error;
    }
  }

  /**
   * Reads the selection after an ownership change, calling `deliver` when its text (or image) is new to us.
   * A bare function hears text only.
   */
  changed(deliver: ClipboardListener | ((text: string) => void)): void {
    const listener = typeof deliver === "function" ? { text: deliver, image: undefined } : deliver;
    if (this.#reading) {
      this.#again = true; // re-read once the running read ends: the newest owner wins
      return;
    }
    this.#reading = (async () => {
      do {
        this.#again = false;
        const sets = this.#sets;
        const targets = listener.image ? await this.#targets() : null;
        if (targets?.has("image/png") && ![...targets].some((t) => TEXT_TARGETS.has(t))) {
          const image = await this.#readImage();
          if (sets !== this.#sets || this.#closed) continue;
          if ("refused" in image) listener.image!(image);
          else if (!sameBytes(image.png, this.#knownImage)) {
            this.#knownImage = image.png;
            this.#known = null;
            listener.image!(image);
          }
          continue;
        }
        const text = await this.#read();
        if (sets !== this.#sets) continue; // we took the selection meanwhile: the text may be stale
        // Two ownership changes in one read (another client took it while we read) re-read the same
        // text: compare with what is known, not only with what we set, so it is delivered once.
        if (text !== null && text !== this.#known && !this.#closed) {
          this.#known = text;
          this.#knownImage = null;
          listener.text(text);
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

  /** The targets the owner offers; null when it does not say (then text is read as before). */
  async #targets(): Promise<Set<string> | null> {
    const out = await new Deno.Command("xclip", {
      args: ["-selection", "clipboard", "-o", "-t", "TARGETS"],
      env: this.#env,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(READ_TIMEOUT_MS),
    }).output();
    if (!out.success) return null;
    return new Set(new TextDecoder().decode(out.stdout).split("\n").map((t) => t.trim()).filter(Boolean));
  }

  /** Reads the image/png target, stopping as soon as it is over the limit. */
  async #readImage(): Promise<ClipboardImage> {
    const timeout = AbortSignal.timeout(IMAGE_TIMEOUT_MS);
    const child = new Deno.Command("xclip", {
      args: ["-selection", "clipboard", "-o", "-t", "image/png"],
      env: this.#env,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: timeout,
    }).spawn();
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const part of child.stdout) {
      size += part.byteLength;
      if (size > MAX_CLIPBOARD_IMAGE_BYTES) break; // ends the loop and cancels the stream
      parts.push(part);
    }
    try {
      child.kill("SIGTERM");
    } catch { /* done already */ }
    const status = await child.status;
    if (size > MAX_CLIPBOARD_IMAGE_BYTES) {
      const limit = `${MAX_CLIPBOARD_IMAGE_BYTES / 2 ** 20} MiB`;
      return { refused: `the desktop's clipboard image is over the ${limit} limit: copy a smaller one` };
    }
    if (timeout.aborted) return { refused: "the desktop's clipboard image took too long to read" };
    if (!status.success && status.signal !== "SIGTERM") return { refused: "the image could not be read" };
    const png = new Uint8Array(size);
    let at = 0;
    for (const part of parts) png.set(part, at), at += part.byteLength;
    return isPng(png) ? { png } : { refused: "the desktop's clipboard image/png is not a PNG" };
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

function sameBytes(a: Uint8Array, b: Uint8Array | null): boolean {
  return b !== null && a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);
}
