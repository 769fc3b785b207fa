/**
 * The narrow views the session logic has of its parts (media pipeline, X11 input, viewer
 * sockets). Keeping them structural lets the viewer logic be unit-tested without a display.
 *
 * @module
 */
import type { IceServer } from "../../protocol/ice.ts";
import type { MediaFrame, ServerMessage } from "../../protocol/protocol.ts";
import type { MicrophoneFloor } from "../audio/microphone.ts";

/** A socket to one browser viewer: a WebSocket on the streamer, or a tunnel stream via the gateway. */
export type { ViewerSocket } from "../server/viewer_socket.ts";

/** Signalling messages the server sends for one WebRTC peer. */
export type PeerSignal = Extract<ServerMessage, { t: "sdp" } | { t: "ice" }>;

/** One WebRTC peer (its own media worker). */
export interface PeerPort {
  /** Passes the browser's answer or ICE candidate on. */
  signal(
    msg: { t: "sdp"; type: "answer"; sdp: string } | { t: "ice"; candidate: string; sdpMLineIndex: number },
  ): void;
  /** Ends the peer and its worker. */
  close(): Promise<void>;
  /** Asks the peer's encoder for a keyframe (answered even while the screen is idle). */
  requestKeyframe(): void;
}

/** What a viewer needs of the media pipeline. */
export interface MediaPort {
  /** WebCodecs codec string of the WebSocket video. */
  readonly codec: string;
  /** Encoder element in use. */
  readonly encoder: string;
  /** Frames per second the encoder is asked for. */
  readonly fps: number;
  /**
   * Subscribes to encoded frames (video numbered by `seq`); returns the unsubscribe function. With
   * `options.ready`, the subscriber is paced: the encoder runs only while some subscriber is ready.
   */
  subscribe(onFrame: (frame: MediaFrame) => void, options?: { ready?: () => boolean }): () => void;
  /** A paced subscriber's readiness may have changed: hold or release the encoder to match. */
  pace(): void;
  /** Encoded video frames per second and media kbit/s, lately. */
  stats(): { fps: number; kbps: number };
  /** Asks the encoder for a keyframe. */
  requestKeyframe(): void;
  /** Changes the target bitrate live; rejects when the encoder cannot take it. */
  setBitrate(kbps: number): Promise<void>;
  /** Changes the frame rate live (a faster capture restarts the encoder); rejects when that fails. */
  setFps(fps: number): Promise<void>;
  /** Starts a WebRTC peer for one viewer. */
  createPeer(options: {
    iceServers: IceServer[];
    onSignal: (msg: PeerSignal) => void;
    onData: (text: string) => void;
    /** The connection is up: media flows to the browser from now on. */
    onConnected?: () => void;
    /** The peer ended by itself (never connected in time, failed, its worker died), and why. */
    onClose: (reason: string) => void;
  }): Promise<PeerPort>;
}

/** What a viewer needs of the desktop: input injection, clipboard and resize. */
export interface DesktopPort {
  /** Presses a key by X keysym. */
  keyDown(keysym: number): void;
  /** Releases a key by X keysym. */
  keyUp(keysym: number): void;
  /** Types committed text (an IME's, a phone keyboard's), whatever keys the X keymap needs for it. */
  typeText(text: string): void;
  /** Releases every key and button pressed through this port. */
  releaseAll(): void;
  /** Moves the pointer to absolute screen coordinates. */
  moveTo(x: number, y: number): void;
  /** Moves the pointer relatively. */
  moveBy(dx: number, dy: number): void;
  /** Presses or releases a pointer button. */
  button(button: number, down: boolean): void;
  /** Scrolls by wheel steps. */
  wheel(dx: number, dy: number): void;
  /** Puts text on the desktop's clipboard. */
  setClipboard(text: string): void | Promise<void>;
  /** Puts a PNG image (signature checked, nothing more) on the desktop's clipboard; absent: no images. */
  setClipboardImage?(png: Uint8Array): Promise<void>;
  /** Changes the screen size; resolves to the size actually set. */
  resize(width: number, height: number): Promise<{ width: number; height: number }>;
}

/** A viewer that may hold the session's microphone. */
export type { MicrophoneHolder } from "../audio/microphone.ts";

/** The session's microphone, one holder at a time: what a viewer needs of the audio side's floor. */
export type MicrophonePort = Pick<MicrophoneFloor, "claim" | "release" | "push">;
