/**
 * A measuring WebSocket viewer for bench/gpu.ts: connects like the browser does (Bearer token), then
 * counts the video frames and bytes that reach it, per second, without decoding them. This measures
 * what the transport delivers, not what a browser would display.
 *
 * @module
 */
import { decodeMediaFrame } from "../protocol/framing.ts";

/** What the server said in its `hello`. */
export interface HelloInfo {
  /** Encoder element, e.g. `x264enc`. */
  encoder: string;
  /** WebCodecs codec string of the video. */
  codec: string;
  /** Screen size and frame rate the server announced. */
  width: number;
  /** Screen height in pixels. */
  height: number;
  /** Frames per second asked for. */
  fps: number;
}

/** One second of delivered video. */
export interface Bucket {
  /** Video frames that arrived. */
  frames: number;
  /** Bytes of video payload that arrived. */
  bytes: number;
  /** Keyframes among them. */
  keyframes: number;
}

/** A connected measuring viewer. */
export interface MeasuringViewer {
  /** The server's hello. */
  hello: HelloInfo;
  /** Milliseconds from opening the socket to the first video frame (NaN until it came). */
  firstFrameMs(): number;
  /** Starts a fresh series of one-second buckets (call after warm-up). */
  reset(): void;
  /** The buckets since the last reset; the running one is left out. */
  buckets(): Bucket[];
  /** Closes the socket. */
  close(): void;
}

/** Options for {@linkcode connectViewer}. */
export interface ConnectViewerOptions {
  /** The session URL from the ready file (`http://host:port/...?token=...`). */
  url: string;
  /** The session secret, sent as `Authorization: Bearer`. */
  token: string;
  /** Give up waiting for `hello` after this long. @default {20000} */
  timeoutMs?: number;
}

/**
 * Connects to a session's `/ws` and starts counting once its `hello` arrives.
 *
 * @example
 * ```ts ignore
 * import { connectViewer } from "./_gpu_viewer.ts";
 * const viewer = await connectViewer({ url: ready.url, token: ready.token });
 * await new Promise((r) => setTimeout(r, 5000));
 * console.log(viewer.hello.encoder, viewer.buckets());
 * viewer.close();
 * ```
 */
export function connectViewer(options: ConnectViewerOptions): Promise<MeasuringViewer> {
  const page = new URL(options.url);
  const ws = new URL("ws", `${page.origin}${page.pathname.replace(/[^/]*$/, "")}`);
  ws.protocol = page.protocol === "https:" ? "wss:" : "ws:";
  const opened = performance.now();
  // Deno's WebSocket takes headers; the DOM typings in deno.json's lib do not know them.
  const headers = { authorization: `Bearer ${options.token}` };
  const socket = new WebSocket(ws, { headers } as unknown as string[]);
  socket.binaryType = "arraybuffer";
  let first = NaN;
  let current: Bucket = { frames: 0, bytes: 0, keyframes: 0 };
  let done: Bucket[] = [];
  const tick = setInterval(() => {
    done.push(current);
    current = { frames: 0, bytes: 0, keyframes: 0 };
  }, 1000);
  const { promise, resolve, reject } = Promise.withResolvers<MeasuringViewer>();
  const timer = setTimeout(() => fail(new Error("no hello from the session")), options.timeoutMs ?? 20_000);
  const close = () => {
    clearInterval(tick);
    clearTimeout(timer);
    try {
      socket.close();
    } catch { /* already closed */ }
  };
  const fail = (error: Error) => {
    close();
    reject(error);
  };
  socket.onerror = (event) => fail(new Error(`WebSocket ${ws}: ${(event as ErrorEvent).message ?? "error"}`));
  socket.onclose = () => clearInterval(tick);
  socket.onmessage = (event) => {
    if (typeof event.data === "string") {
      const message = JSON.parse(event.data);
      if (message.t !== "hello") return;
      clearTimeout(timer);
      resolve({
        hello: message,
        firstFrameMs: () => first,
        reset: () => {
          done = [];
          current = { frames: 0, bytes: 0, keyframes: 0 };
        },
        buckets: () => [...done],
        close,
      });
      return;
    }
    const frame = decodeMediaFrame(new Uint8Array(event.data as ArrayBuffer));
    if (frame?.kind !== "video") return;
    if (Number.isNaN(first)) first = performance.now() - opened;
    current.frames++;
    current.bytes += frame.payload.byteLength;
    if (frame.key) current.keyframes++;
  };
  return promise;
}
