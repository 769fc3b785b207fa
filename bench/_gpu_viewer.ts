/**
 * A measuring WebSocket viewer for bench/gpu.ts: connects like the browser does (Bearer token), then
 * counts the video frames and bytes that reach it, per second, without decoding them. This measures
 * what the transport delivers, not what a browser would display. With `--encoding hybrid` a frame is one
 * screen update; its operations are parsed (not drawn) to tell video from tiles.
 *
 * @module
 */
import { decodeMediaFrame } from "../protocol/framing.ts";
import { decodeScreenUpdate, SCREEN_CODEC } from "../protocol/screen_update.ts";
import { openSocket } from "../tests/harness/gateway.ts";
import { type Carried, noneCarried, tally } from "./_gpu_report.ts";

/** What this viewer reads of the server's `hello`. */
export interface HelloInfo {
  /** Encoder element, e.g. `x264enc`. */
  encoder: string;
  /** WebCodecs codec string of the video (`selkies-screen/1` for hybrid screen updates). */
  codec: string;
  /** Screen size. */
  width: number;
  /** Screen size. */
  height: number;
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
  /** What the screen updates since the last reset carried (null when the session sends plain video). */
  carried(): Carried | null;
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
 * Connects to a session's `/ws` (the tests' WebSocket client) and starts counting once its `hello` arrives.
 *
 * @example
 * ```ts
 * import { connectViewer } from "./_gpu_viewer.ts";
 * declare const ready: { url: string; token: string }; // the stream's ready file
 * const viewer = await connectViewer({ url: ready.url, token: ready.token });
 * await new Promise((r) => setTimeout(r, 5000));
 * console.log(viewer.hello.encoder, viewer.buckets());
 * viewer.close();
 * ```
 */
export async function connectViewer(options: ConnectViewerOptions): Promise<MeasuringViewer> {
  const page = new URL(options.url);
  const url = new URL("ws", `${page.origin}${page.pathname.replace(/[^/]*$/, "")}`);
  url.protocol = page.protocol === "https:" ? "wss:" : "ws:";
  const opened = performance.now();
  const socket = openSocket(url.href, { authorization: `Bearer ${options.token}` });
  const empty = (): Bucket => ({ frames: 0, bytes: 0, keyframes: 0 });
  let first = NaN;
  let current = empty();
  let done: Bucket[] = [];
  let carried = noneCarried();
  let screen: { width: number; height: number } | undefined;
  let updates = false;
  const hello = Promise.withResolvers<HelloInfo>();
  hello.promise.catch(() => {}); // awaited below, after the handshake
  socket.ws.onmessage = (event) => {
    if (typeof event.data === "string") {
      const message = JSON.parse(event.data);
      if (message.t === "hello") {
        updates = message.codec === SCREEN_CODEC;
        screen = { width: message.width, height: message.height };
        hello.resolve(message);
      }
      if (message.t === "screen") screen = { width: message.width, height: message.height };
      return;
    }
    const frame = decodeMediaFrame(new Uint8Array(event.data as ArrayBuffer));
    if (frame?.kind !== "video") return;
    if (Number.isNaN(first)) first = performance.now() - opened;
    current.frames++;
    current.bytes += frame.payload.byteLength;
    if (frame.key) current.keyframes++;
    if (updates) {
      try {
        const ops = decodeScreenUpdate(frame.payload, screen);
        for (const op of ops) if (op.op === "size") screen = { width: op.width, height: op.height };
        tally(carried, ops);
      } catch {
        tally(carried, null);
      }
    }
  };
  const tick = setInterval(() => {
    done.push(current);
    current = empty();
  }, 1000);
  const close = () => {
    clearInterval(tick);
    socket.ws.close();
  };
  const timeout = setTimeout(
    () => hello.reject(new Error("no hello from the session")),
    options.timeoutMs ?? 20_000,
  );
  try {
    await socket.opened;
    return {
      hello: await hello.promise,
      firstFrameMs: () => first,
      reset: () => {
        done = [];
        current = empty();
        carried = noneCarried();
      },
      buckets: () => [...done],
      carried: () => updates ? { ...carried } : null,
      close,
    };
  } catch (error) {
    close();
    throw new Error(`WebSocket ${url}: ${(error as Error).message}`);
  } finally {
    clearTimeout(timeout);
  }
}
