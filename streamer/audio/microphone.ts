/**
 * The browser's microphone in the session: Opus packets from one viewer at a time (protocol/microphone.ts)
 * played into the private PulseAudio's microphone sink, whose remapped monitor is the default source
 * (pulse.ts), so X applications record them.
 *
 * A small separate `gst-launch-1.0` child, fed on stdin, rather than the media worker: the packets are framed
 * as RTP over a byte stream (RFC 4571: a 2-byte length, then the RTP packet), so `rtpjitterbuffer` reorders
 * nothing it need not and drops what comes later than {@linkcode JITTER_MS} (latency over completeness), and
 * `opusdec` conceals a lost packet. A crash of the child costs the microphone, never the picture; it starts
 * on the first packet and ends when the microphone is turned off.
 *
 * @module
 */
import { getLog } from "../../log.ts";
import { MIC_FRAME_MS, MIC_SAMPLE_RATE, type MicPacket } from "../../protocol/microphone.ts";
import type { ProcessGroup } from "../process/group.ts";
import { MIC_SINK_NAME } from "./pulse.ts";

const log = getLog("audio", "microphone");

/** Packets later than this are dropped by the jitter buffer, ms. */
export const JITTER_MS = 60;
/** Packets written to the child and not yet taken: more means it is behind, and new ones are dropped. */
const MAX_PENDING_WRITES = 8;
/** RTP payload type of the Opus stream (any dynamic one: both ends are this file). */
const PAYLOAD_TYPE = 111;
/** A pipeline that ended by itself is started again no sooner than this, ms (a broken one is not respawned per packet). */
const RESTART_MS = 2000;

interface PlayerChild {
  writer: WritableStreamDefaultWriter<Uint8Array>;
  exited: Promise<unknown>;
}

/**
 * The `gst-launch-1.0` arguments of the microphone pipeline: RFC 4571 RTP on stdin, played into `sink`.
 *
 * @example
 * ```ts
 * import { microphonePipeline } from "./microphone.ts";
 * microphonePipeline("selkies_mic").join(" ").includes("opusdec"); // true
 * ```
 */
export function microphonePipeline(sink: string): string[] {
  const caps = `application/x-rtp-stream,media=audio,clock-rate=${MIC_SAMPLE_RATE},encoding-name=OPUS,` +
    `payload=${PAYLOAD_TYPE}`;
  const description = [
    "fdsrc fd=0",
    caps,
    "rtpstreamdepay",
    `rtpjitterbuffer latency=${JITTER_MS} drop-on-latency=true`,
    "rtpopusdepay",
    "opusdec plc=true",
    "audioconvert",
    "audioresample",
    // Small device buffers: 20 ms periods, 80 ms in all. Not synchronised to the clock: the jitter buffer
    // already paces packets out, and with sync a latency change (a recorder attaching to the source) made
    // pulsesink drop every later buffer as late (measured: 100 ms of tone, then silence).
    `pulsesink device=${sink} buffer-time=80000 latency-time=${MIC_FRAME_MS * 1000} sync=false`,
  ].join(" ! ");
  return ["-q", ...description.split(" ")];
}

/**
 * One packet as RFC 4571 framed RTP: its sequence number, and a timestamp at 48 kHz from the browser's capture
 * time (so a gap in capture is a gap in time, not packets played back to back).
 *
 * @example
 * ```ts
 * import { rtpStreamPacket } from "./microphone.ts";
 * const bytes = rtpStreamPacket({ seq: 1, timestampUs: 20_000, payload: new Uint8Array([0xf8]) }, 7);
 * bytes.byteLength; // 2 + 12 + 1
 * ```
 */
export function rtpStreamPacket(packet: MicPacket, ssrc: number): Uint8Array {
  const rtpBytes = 12 + packet.payload.byteLength;
  const out = new Uint8Array(2 + rtpBytes);
  const view = new DataView(out.buffer);
  view.setUint16(0, rtpBytes);
  view.setUint8(2, 0x80); // version 2, no padding, extension or CSRC
  view.setUint8(3, PAYLOAD_TYPE);
  view.setUint16(4, packet.seq & 0xffff);
  const ticks = Math.round(packet.timestampUs * MIC_SAMPLE_RATE / 1e6);
  view.setUint32(6, ((ticks % 2 ** 32) + 2 ** 32) % 2 ** 32);
  view.setUint32(10, ssrc >>> 0);
  out.set(packet.payload, 14);
  return out;
}

/** Options for {@linkcode MicrophonePlayer}. */
export interface MicrophonePlayerOptions {
  /** `PULSE_SERVER` and `PULSE_COOKIE` of the session's PulseAudio. */
  pulseEnv: Record<string, string>;
  /** Supervises the child (ended with the session). */
  group: ProcessGroup;
  /** The sink to play into. @default {MIC_SINK_NAME} */
  sink?: string;
}

/**
 * Plays one viewer's Opus packets into PulseAudio; `stop()` between viewers (a new RTP stream each time).
 *
 * @example
 * ```ts
 * import { MicrophonePlayer } from "./microphone.ts";
 * import { ProcessGroup } from "../process/group.ts";
 * import type { MicPacket } from "../../protocol/microphone.ts";
 * declare const packet: MicPacket;
 * const player = new MicrophonePlayer({ pulseEnv: { PULSE_SERVER: "unix:/tmp/p/native" }, group: new ProcessGroup() });
 * player.push(packet);
 * await player.stop();
 * ```
 */
export class MicrophonePlayer {
  readonly #options: MicrophonePlayerOptions;
  #child: PlayerChild | undefined;
  #startedAt = -Infinity;
  #ssrc = 0;
  #pending = 0;
  /** Packets played and dropped (behind, or the child failed), for logs and tests. */
  readonly counts = { played: 0, dropped: 0 };

  constructor(options: MicrophonePlayerOptions) {
    this.#options = options;
  }

  /** Plays one packet (starting the pipeline on the first); drops it when the pipeline is behind. */
  push(packet: MicPacket): void {
    if (!this.#child && Date.now() - this.#startedAt >= RESTART_MS) this.#child = this.#start();
    const child = this.#child;
    if (!child || this.#pending >= MAX_PENDING_WRITES) {
      this.counts.dropped++;
      return;
    }
    this.#pending++;
    child.writer.write(rtpStreamPacket(packet, this.#ssrc))
      .then(() => this.counts.played++, () => this.counts.dropped++)
      .finally(() => this.#pending--);
  }

  /** Ends the pipeline (end of stream, then the child exits); the next packet starts a new one. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child) return;
    await child.writer.close().catch(() => {});
    await child.exited;
  }

  #start(): PlayerChild | undefined {
    this.#startedAt = Date.now();
    this.#ssrc = crypto.getRandomValues(new Uint32Array(1))[0];
    this.#pending = 0;
    try {
      const child = this.#options.group.spawn("microphone", "gst-launch-1.0", {
        args: microphonePipeline(this.#options.sink ?? MIC_SINK_NAME),
        env: this.#options.pulseEnv,
        stdin: "piped",
        stderr: "piped",
        expectExit: true,
      });
      const stderr = new Response(child.process.stderr).text();
      const exited = child.exited.then(async (exit) => {
        if (exit.code !== 0) {
          const why = (await stderr.catch(() => "")).trim().split("\n").slice(-2).join("; ");
          log.warning("the microphone pipeline exited with {code}: {why}", { code: exit.code, why });
        }
      });
      const mine: PlayerChild = { writer: child.process.stdin.getWriter(), exited };
      // Ended by itself (a crash): the next packet after RESTART_MS starts another.
      exited.then(() => this.#child === mine && (this.#child = undefined));
      log.info("microphone pipeline started (pid {pid})", { pid: child.pid });
      return mine;
    } catch (error) {
      log.warning("the microphone pipeline cannot start: {error}", { error: String(error) });
      return undefined;
    }
  }
}

/** A viewer that may hold the microphone. */
export interface MicrophoneHolder {
  /** Told that its microphone is off now, and why (another viewer took over). */
  revoked(message: string): void;
}

/** What {@linkcode MicrophoneFloor} plays into ({@linkcode MicrophonePlayer}, or a fake in unit tests). */
export interface MicrophoneSink {
  push(packet: MicPacket): void;
  stop(): Promise<void>;
}

/**
 * Who holds the session's microphone: one viewer at a time, and the LAST to turn it on wins (the one who
 * just clicked is the one speaking; the previous holder is told and its page shows the microphone off).
 * Packets of anyone else are dropped.
 *
 * @example
 * ```ts
 * import { MicrophoneFloor, type MicrophoneSink } from "./microphone.ts";
 * import type { MicPacket } from "../../protocol/microphone.ts";
 * declare const sink: MicrophoneSink, packet: MicPacket;
 * const floor = new MicrophoneFloor(sink);
 * const viewer = { revoked: (why: string) => console.log(why) };
 * floor.claim(viewer);
 * floor.push(viewer, packet); // true
 * floor.release(viewer);
 * ```
 */
export class MicrophoneFloor {
  readonly #sink: MicrophoneSink;
  #holder: MicrophoneHolder | undefined;

  constructor(sink: MicrophoneSink) {
    this.#sink = sink;
  }

  /** Gives the microphone to `holder`; the previous holder hears why it lost it. */
  claim(holder: MicrophoneHolder): void {
    if (this.#holder === holder) return;
    const previous = this.#holder;
    this.#holder = holder;
    if (previous) {
      void this.#sink.stop(); // a new RTP stream for the new speaker
      previous.revoked("Another viewer turned their microphone on; yours is off.");
    }
  }

  /** Takes the microphone back from `holder` (turned off, or gone); nothing when it does not hold it. */
  release(holder: MicrophoneHolder): void {
    if (this.#holder !== holder) return;
    this.#holder = undefined;
    void this.#sink.stop();
  }

  /** Plays `packet` when `holder` holds the microphone; `false` (dropped) otherwise. */
  push(holder: MicrophoneHolder, packet: MicPacket): boolean {
    if (this.#holder !== holder) return false;
    this.#sink.push(packet);
    return true;
  }

  /** Whether `holder` holds the microphone now. */
  holds(holder: MicrophoneHolder): boolean {
    return this.#holder === holder;
  }
}
