/**
 * What a remote-desktop stack under test provides to the benchmark, whichever it is.
 *
 * @module
 */
import type { ProcessSelector } from "./cpu_meter.ts";
import type { ContentMode } from "./content/stamp.ts";

/** The stacks the benchmark knows. */
export const PEERS = ["selkies-websocket", "selkies-webrtc", "selkies-hybrid", "novnc"] as const;
/** One stack (and transport) under test. */
export type PeerName = typeof PEERS[number];
/** The stacks of the smoke run (`--quick`, in CI): the full-frame video baseline and VNC. */
export const QUICK_PEERS: readonly PeerName[] = ["selkies-websocket", "selkies-webrtc", "novnc"];

/** How one of our peers runs the streamer: the page's transport and the screen encoding. */
export interface SelkiesPeer {
  /** Transport the page is told to use. */
  transport: "websocket" | "webrtc";
  /** `--encoding`: full-frame H.264, or changed tiles, scroll copies and video regions (issue 11). */
  encoding: "video" | "hybrid";
}

/**
 * Our peers and how each runs the streamer (novnc is not ours): one home for the rule, used by the run.
 *
 * @example
 * ```ts
 * import { SELKIES_PEERS } from "./peer.ts";
 * SELKIES_PEERS["selkies-hybrid"]; // { transport: "websocket", encoding: "hybrid" }
 * ```
 */
export const SELKIES_PEERS: Readonly<Record<Exclude<PeerName, "novnc">, SelkiesPeer>> = {
  "selkies-websocket": { transport: "websocket", encoding: "video" },
  "selkies-webrtc": { transport: "webrtc", encoding: "video" },
  "selkies-hybrid": { transport: "websocket", encoding: "hybrid" },
};

/** A running desktop with content, reachable from the browser. */
export interface PeerSession {
  /** The page the browser opens. */
  url: string;
  /** The session's server processes (X server, encoder, proxy), content excluded. */
  server: ProcessSelector;
  /** Per-frame timing of the server's video pipeline, where the stack can report it. */
  pipeline?: StageTimer;
  /** Human-readable settings worth reporting (encoder, quality...). */
  settings: Record<string, string | number>;
  /** Stops everything it started; resolves to how many processes the stack left behind (ended by force). */
  stop(): Promise<number>;
}

/** Times a server-side stage per frame over a measurement window. */
export interface StageTimer {
  /** Starts the window. */
  mark(): Promise<void>;
  /** Milliseconds per frame since the mark. */
  read(): Promise<number[]>;
}

/** Options to start a peer. */
export interface PeerOptions {
  /** Screen size, e.g. "1920x1080". */
  geometry: string;
  /** Content to play on the display. */
  content: ContentMode;
  /** Frames per second the stack is asked for, where it takes one (VNC has no such setting). @default {60} */
  fps?: number;
  /** Folder for sockets and scratch files (removed by the caller). */
  workDir: string;
  /** Aborts startup. */
  signal?: AbortSignal;
}

/** The path of the content program, runnable as `deno run -A <path> <mode>`. */
export const STAMP_PATH: string = new URL("./content/stamp.ts", import.meta.url).pathname;
/** The project's pinned Deno launcher. */
export const DENO_PATH: string = new URL("../scripts/deno", import.meta.url).pathname;
