/**
 * The in-page probe: reads the time code back from whatever the page shows (the largest video or
 * canvas), once per animation frame, and counts bytes arriving over WebSockets and WebRTC.
 * Its source is injected before any page script runs, so it must stay self-contained.
 *
 * @module
 */
import { BLOCK, CODE_HEIGHT, CODE_WIDTH, decodeTimeCode, elapsedSince, type TimeCode } from "./timecode.ts";

/** What the probe collected since its last reset. */
export interface ProbeResult {
  /** Milliseconds the window lasted. */
  elapsedMs: number;
  /** Distinct time codes seen (frames of content delivered to the screen). */
  frames: number;
  /** Animation frames the page ran (the display's rate). */
  rafs: number;
  /** Animation frames where no valid time code could be read. */
  unreadable: number;
  /** Glass-to-glass latency of each new frame, ms. */
  latencies: number[];
  /** When each of `latencies` was seen, ms since the window started (latency over time). */
  latencyTimes: number[];
  /** Key press (in the page) to changed pixels (in the page), ms. */
  inputLatencies: number[];
  /** Payload bytes received over WebSockets and WebRTC transports. */
  bytes: number;
  /** WebRTC's own video receive stats over the window, when the page used WebRTC. */
  webrtc: WebRtcVideoStats | null;
}

/** Where time goes inside the browser's WebRTC video receiver (averages over the window). */
export interface WebRtcVideoStats {
  /** Frames decoded. */
  framesDecoded: number;
  /** Frames dropped before display. */
  framesDropped: number;
  /** Mean decode time per frame, ms. */
  decodeMs: number;
  /** Mean time a frame waited in the jitter buffer, ms. */
  jitterBufferMs: number;
}

/** What the page exposes as `window.__bench`. */
export interface ProbeApi {
  /** Starts a new measurement window. */
  reset(): Promise<void>;
  /** Returns what the window collected. */
  result(): Promise<ProbeResult>;
  /** Frames seen since the page loaded. */
  totalFrames(): number;
}

interface Layout {
  block: number;
  width: number;
  height: number;
}

type Decode = (isWhite: (c: number, r: number) => boolean) => TimeCode | null;
type Elapsed = (stamped: number, now: number) => number;

// Runs inside the page, where `w` is the window (typed loosely: it gets patched).
// deno-lint-ignore no-explicit-any
function installProbe(decode: Decode, elapsed: Elapsed, layout: Layout, w: any): void {
  const empty = () => ({
    frames: 0,
    rafs: 0,
    unreadable: 0,
    latencies: [] as number[],
    latencyTimes: [] as number[],
    inputLatencies: [] as number[],
  });
  let acc = empty();
  let started = performance.now();
  let total = 0;
  let wsBytes = 0;
  let lastTime = -1;
  let lastKeys = -1;
  let keyDowns: number[] = [];
  // Wrappers return the native objects (pages check their properties and prototypes).
  const wrap = (name: string, onCreate: (o: never) => void) => {
    const Native = w[name];
    if (!Native) return;
    const wrapper = function (...args: unknown[]) {
      const o = new Native(...args);
      onCreate(o as never);
      return o;
    };
    Object.setPrototypeOf(wrapper, Native);
    wrapper.prototype = Native.prototype;
    w[name] = wrapper;
  };
  wrap("WebSocket", (ws: WebSocket) =>
    ws.addEventListener("message", (e: MessageEvent) => {
      const d = e.data;
      wsBytes += typeof d === "string" ? d.length : d.byteLength ?? d.size ?? 0;
    }));
  const peers: RTCPeerConnection[] = [];
  wrap("RTCPeerConnection", (pc: RTCPeerConnection) => peers.push(pc));
  const rtcTotals = async () => {
    const t = { bytes: 0, decoded: 0, dropped: 0, decodeS: 0, jitterS: 0, emitted: 0 };
    for (const pc of peers) {
      // deno-lint-ignore no-explicit-any
      (await pc.getStats()).forEach((s: any) => {
        if (s.type === "transport") t.bytes += s.bytesReceived ?? 0;
        if (s.type === "inbound-rtp" && s.kind === "video") {
          t.decoded += s.framesDecoded ?? 0;
          t.dropped += s.framesDropped ?? 0;
          t.decodeS += s.totalDecodeTime ?? 0;
          t.jitterS += s.jitterBufferDelay ?? 0;
          t.emitted += s.jitterBufferEmittedCount ?? 0;
        }
      });
    }
    return t;
  };
  let rtcBase = { bytes: 0, decoded: 0, dropped: 0, decodeS: 0, jitterS: 0, emitted: 0 };
  w.addEventListener("keydown", () => keyDowns.push(Date.now()), true);
  const scratch = new OffscreenCanvas(layout.width, layout.height);
  const ctx = scratch.getContext("2d", { willReadFrequently: true })!;
  const pick = () => {
    // A video that is hidden, or not yet revealed (the client's overlay over its canvas), is not the picture.
    const videos = [...w.document.querySelectorAll("video")].filter((v: HTMLVideoElement) =>
      v.videoWidth > 0 && !v.hidden && v.style.opacity !== "0"
    );
    if (videos.length > 0) return videos[0] as HTMLVideoElement;
    let best: HTMLCanvasElement | null = null;
    for (const c of w.document.querySelectorAll("canvas") as HTMLCanvasElement[]) {
      if (!best || c.width * c.height > best.width * best.height) best = c;
    }
    return best && best.width >= layout.width ? best : null;
  };
  const loop = () => {
    acc.rafs++;
    const now = Date.now();
    // Every frame: the hybrid client switches between its canvas and its video overlay.
    const source: CanvasImageSource | null = pick();
    let code: TimeCode | null = null;
    if (source) {
      ctx.clearRect(0, 0, layout.width, layout.height);
      ctx.drawImage(source, 0, 0, layout.width, layout.height, 0, 0, layout.width, layout.height);
      const data = ctx.getImageData(0, 0, layout.width, layout.height).data;
      const half = layout.block / 2;
      code = decode((c, r) => {
        const i = (((r * layout.block + half) * layout.width) + c * layout.block + half) * 4;
        return data[i] + data[i + 1] + data[i + 2] > 384;
      });
    }
    if (code === null) {
      acc.unreadable++;
    } else {
      if (code.time !== lastTime) {
        acc.frames++;
        total++;
        acc.latencies.push(elapsed(code.time, now));
        acc.latencyTimes.push(Math.round(performance.now() - started));
        lastTime = code.time;
      }
      if (lastKeys >= 0 && code.keys !== lastKeys) {
        // The newest presses are the ones that arrived; older ones were lost on the way.
        const n = (code.keys - lastKeys + 16) % 16;
        for (const t of keyDowns.slice(-n)) acc.inputLatencies.push(now - t);
        keyDowns = [];
      }
      lastKeys = code.keys;
    }
    w.requestAnimationFrame(loop);
  };
  w.requestAnimationFrame(loop);
  w.__bench = {
    async reset() {
      acc = empty();
      started = performance.now();
      wsBytes = 0;
      rtcBase = await rtcTotals();
    },
    async result() {
      const rtc = await rtcTotals();
      const decoded = rtc.decoded - rtcBase.decoded;
      const emitted = rtc.emitted - rtcBase.emitted;
      const webrtc = peers.length === 0 ? null : {
        framesDecoded: decoded,
        framesDropped: rtc.dropped - rtcBase.dropped,
        decodeMs: decoded > 0 ? ((rtc.decodeS - rtcBase.decodeS) * 1000) / decoded : 0,
        jitterBufferMs: emitted > 0 ? ((rtc.jitterS - rtcBase.jitterS) * 1000) / emitted : 0,
      };
      return {
        ...acc,
        elapsedMs: performance.now() - started,
        bytes: wsBytes + rtc.bytes - rtcBase.bytes,
        webrtc,
      };
    },
    totalFrames: () => total,
  };
}

/**
 * The probe's source, ready for `page.addInitScript({ content })`.
 *
 * @example
 * ```ts
 * import { probeScript } from "./probe.ts";
 * probeScript().includes("__bench"); // true
 * ```
 */
export function probeScript(): string {
  const layout: Layout = { block: BLOCK, width: CODE_WIDTH, height: CODE_HEIGHT };
  return `(${installProbe.toString()})(${decodeTimeCode.toString()}, ${elapsedSince.toString()}, ${
    JSON.stringify(layout)
  }, window);`;
}
