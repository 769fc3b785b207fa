/**
 * The control WebSocket to the streamer (`./ws` relative to the page), reopened with backoff.
 *
 * @module
 */

/** Options of {@linkcode Connection}. */
export interface ConnectionOptions {
  /** The socket opened. */
  onOpen(): void;
  /** A text (control) message arrived. */
  onText(text: string): void;
  /** A binary (media) message arrived. */
  onBinary(bytes: Uint8Array): void;
  /** The socket closed; `retryInMs` says when the next attempt starts (undefined: no retry). */
  onClose(retryInMs: number | undefined): void;
  /** The server no longer accepts this browser (401): reconnecting cannot help. */
  onUnauthorized(): void;
}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/**
 * Returns the WebSocket URL of the endpoint `ws` next to the page, keeping any proxy prefix.
 *
 * @example
 * ```ts
 * import { socketUrl } from "./connection.ts";
 * socketUrl("https://ood.example/rnode/c1/8080/?transport=webrtc"); // "wss://ood.example/rnode/c1/8080/ws"
 * ```
 */
export function socketUrl(pageUrl: string): string {
  const url = new URL("ws", pageUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.search = "";
  url.hash = "";
  return url.href;
}

/**
 * Keeps one WebSocket open: reconnects after drops with exponential backoff and jitter.
 *
 * @example
 * ```ts
 * import { Connection } from "./connection.ts";
 * const conn = new Connection(location.href, { onOpen() {}, onText: console.log, onBinary() {},
 *   onClose() {}, onUnauthorized() {} });
 * conn.connect();
 * ```
 */
export class Connection {
  readonly #pageUrl: string;
  readonly #options: ConnectionOptions;
  #socket?: WebSocket;
  #delay = FIRST_DELAY_MS;
  #timer?: ReturnType<typeof setTimeout>;
  #stopped = false;

  constructor(pageUrl: string, options: ConnectionOptions) {
    this.#pageUrl = pageUrl;
    this.#options = options;
  }

  /** Whether the socket is open now. */
  get open(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  /** Opens the socket (again). */
  connect(): void {
    clearTimeout(this.#timer);
    this.#stopped = false;
    const socket = new WebSocket(socketUrl(this.#pageUrl));
    socket.binaryType = "arraybuffer";
    this.#socket = socket;
    socket.onopen = () => {
      this.#delay = FIRST_DELAY_MS;
      this.#options.onOpen();
    };
    socket.onmessage = (event) => {
      if (typeof event.data === "string") this.#options.onText(event.data);
      else this.#options.onBinary(new Uint8Array(event.data as ArrayBuffer));
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      if (this.#stopped) return this.#options.onClose(undefined);
      const wait = this.#delay * (0.75 + Math.random() * 0.5);
      this.#delay = Math.min(MAX_DELAY_MS, this.#delay * 2);
      this.#options.onClose(wait);
      this.#timer = setTimeout(() => this.#retry(), wait);
    };
  }

  /** Sends one text message (or a binary frame: a file chunk); false when the socket is not open. */
  send(data: string | Uint8Array): boolean {
    if (!this.open) return false;
    this.#socket!.send(data as string | Uint8Array<ArrayBuffer>);
    return true;
  }

  /** Drops the current socket and opens a new one right away (e.g. to switch transports). */
  reconnect(): void {
    const old = this.#socket;
    this.#socket = undefined;
    old?.close();
    this.connect();
  }

  /** Closes the socket for good. */
  close(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#socket?.close();
  }

  async #retry(): Promise<void> {
    // A refused upgrade looks like any network error; ask the page itself whether we are still welcome.
    try {
      const response = await fetch(this.#pageUrl, { method: "HEAD", cache: "no-store" });
      if (response.status === 401) {
        this.#stopped = true;
        return this.#options.onUnauthorized();
      }
    } catch {
      // The server is down: keep retrying, it may come back (or the job was restarted).
    }
    if (!this.#stopped) this.connect();
  }
}
