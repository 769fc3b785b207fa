/**
 * PNG images on the clipboard, both ways (protocol/clipboard_image.ts). A paste of an image (and no text:
 * text wins, as on the desktop side) goes to the desktop in chunks; an image copied on the desktop goes to
 * the browser's clipboard where the Clipboard API allows it (focus, and in some browsers a gesture), and
 * always to the clipboard panel, with Copy and Download buttons as the fallback.
 *
 * @module
 */
import {
  encodeImageChunks,
  ImageAssembler,
  imageSizeProblem,
  isImageChunk,
  isPng,
} from "../../protocol/clipboard_image.ts";

/** Options of {@linkcode ClipboardImages}. */
export interface ClipboardImagesOptions {
  /** Sends one binary frame on the viewer WebSocket. */
  sendBytes(bytes: Uint8Array): void;
  /** Shows a message to the user (an image refused). */
  notice(text: string): void;
}

/**
 * Clipboard images between the page and the desktop.
 *
 * @example
 * ```ts
 * import { ClipboardImages } from "./_clipboard_image.ts";
 * const images = new ClipboardImages(document, {
 *   sendBytes: (bytes) => console.log(bytes.byteLength),
 *   notice: (text) => console.warn(text),
 * });
 * images.enabled = true; // the hello allows input
 * ```
 */
export class ClipboardImages {
  readonly #options: ClipboardImagesOptions;
  readonly #assembler = new ImageAssembler();
  readonly #box: HTMLElement;
  readonly #image: HTMLImageElement;
  readonly #download: HTMLAnchorElement;
  #url = "";
  #nextId = 1;
  /** The desktop's image received last (tests read it through `selkiesClipboardImage`). */
  received: Uint8Array | undefined;
  /** Images sent to the desktop so far. */
  sent = 0;
  /** Whether pastes go to the desktop (not for view-only viewers). */
  enabled = false;

  constructor(doc: Document, options: ClipboardImagesOptions) {
    this.#options = options;
    const el = <T extends HTMLElement>(tag: string, props: Record<string, unknown> = {}) =>
      Object.assign(doc.createElement(tag), props) as T;
    this.#box = el("div", { id: "clip-image", hidden: true });
    this.#image = el<HTMLImageElement>("img", { alt: "The desktop's clipboard image" });
    const copy = el<HTMLButtonElement>("button", { type: "button", textContent: "Copy image" });
    this.#download = el<HTMLAnchorElement>("a", { textContent: "Download", download: "clipboard.png" });
    copy.addEventListener("click", () => this.#copy(true));
    this.#box.append(this.#image, copy, this.#download);
    doc.getElementById("clip-panel")?.append(this.#box);
    globalThis.addEventListener("paste", (event) => void this.#paste(event));
  }

  /** Takes a binary frame; `false` when it is not a clipboard image chunk. */
  chunk(bytes: Uint8Array): boolean {
    if (!isImageChunk(bytes)) return false;
    const result = this.#assembler.push(bytes);
    if (result.state === "done") this.#fromDesktop(result.png);
    else if (result.state === "refused") {
      this.#options.notice(`The desktop's image was not copied: ${result.reason}`);
    }
    return true;
  }

  /** The desktop's clipboard holds text now: the image is no longer what it holds. */
  clear(): void {
    this.#box.hidden = true;
  }

  #fromDesktop(png: Uint8Array): void {
    this.received = png;
    if (this.#url) URL.revokeObjectURL(this.#url);
    this.#url = URL.createObjectURL(new Blob([png as Uint8Array<ArrayBuffer>], { type: "image/png" }));
    this.#image.src = this.#download.href = this.#url;
    this.#box.hidden = false;
    this.#copy(false);
  }

  /** Writes the image to the browser's clipboard; says why not only when the user asked (the button). */
  #copy(asked: boolean): void {
    const png = this.received;
    if (!png || typeof ClipboardItem !== "function" || !navigator.clipboard?.write) {
      if (asked) this.#options.notice("This browser cannot put images on its clipboard here: use Download.");
      return;
    }
    const blob = new Blob([png as Uint8Array<ArrayBuffer>], { type: "image/png" });
    navigator.clipboard.write([new ClipboardItem({ "image/png": blob })]).catch((error) => {
      if (asked) this.#options.notice(`The image could not be copied (${String(error)}): use Download.`);
    });
  }

  async #paste(event: ClipboardEvent): Promise<void> {
    const target = event.target as HTMLElement | null;
    if (!this.enabled || target?.closest?.("input, textarea")) return;
    const data = event.clipboardData;
    // Text goes as text (clipboard.ts); an image comes alone.
    if (!data || data.types.includes("text/plain")) return;
    const file = [...data.items].find((item) => item.kind === "file" && item.type.startsWith("image/"))
      ?.getAsFile();
    if (!file) return;
    event.preventDefault();
    if (file.type !== "image/png") {
      return this.#options.notice(
        `Only PNG images can be pasted into the desktop (this one is ${file.type}).`,
      );
    }
    const problem = imageSizeProblem(file.size);
    if (problem) return this.#options.notice(`The image was not pasted: ${problem}.`);
    const png = new Uint8Array(await file.arrayBuffer());
    if (!isPng(png)) return this.#options.notice("The image was not pasted: it is not a PNG.");
    for (const frame of encodeImageChunks(this.#nextId++, png)) this.#options.sendBytes(frame);
    this.sent++;
  }
}
