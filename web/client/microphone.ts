/**
 * The browser's microphone into the session (protocol/microphone.ts): a Mic button in the overlay, off until
 * the user turns it on (the browser asks for permission then), captured at 48 kHz mono through an
 * AudioContext, encoded as Opus by WebCodecs' `AudioEncoder` in 20 ms packets and sent as binary frames on
 * the viewer WebSocket. The streamer plays it into the session's default PulseAudio source.
 *
 * Why a ScriptProcessorNode and not an AudioWorklet or MediaStreamTrackProcessor: the page's
 * Content-Security-Policy allows scripts from this origin only (no `blob:` worklet module) and the bundle is
 * one file; MediaStreamTrackProcessor is Chromium's alone and hands over the device's own sample rate. 1024
 * frames per callback (21 ms) keep the added latency at one Opus packet.
 *
 * WebCodecs needs a secure context (https, or http on localhost), like audio playback (audio_opus.ts).
 *
 * @module
 */
import type { ClientMessage, ServerMessage } from "../../protocol/protocol.ts";
import {
  encodeMicFrame,
  MIC_BITRATE,
  MIC_FRAME_MS,
  MIC_MAX_PACKET_BYTES,
  MIC_SAMPLE_RATE,
} from "../../protocol/microphone.ts";

/** What the Mic button shows. */
export type MicState = "unavailable" | "off" | "starting" | "on";

/** Options of {@linkcode Microphone}. */
export interface MicrophoneOptions {
  /** Sends `{t:"mic"}`. */
  send(message: ClientMessage): void;
  /** Sends one binary frame on the viewer WebSocket. */
  sendBytes(bytes: Uint8Array): void;
  /** Shows a message to the user (why the microphone went off). */
  notice(text: string): void;
  /** Called after the button was clicked (the page gives the desktop its focus back). */
  onButton?(): void;
}

/** Samples per ScriptProcessorNode callback. */
const BLOCK_FRAMES = 1024;

/**
 * The Mic button and the capture behind it.
 *
 * @example
 * ```ts
 * import { Microphone } from "./microphone.ts";
 * const mic = new Microphone(document, {
 *   send: (message) => console.log(message),
 *   sendBytes: (bytes) => console.log(bytes.byteLength),
 *   notice: (text) => console.warn(text),
 * });
 * mic.configure(true); // the hello allows it: the button appears, off
 * ```
 */
export class Microphone {
  readonly #options: MicrophoneOptions;
  readonly #button: HTMLButtonElement;
  #state: MicState = "unavailable";
  #capture: { stop(): void } | undefined;
  /** Opus packets sent so far (tests read it through `selkiesMic`). */
  sent = 0;

  constructor(doc: Document, options: MicrophoneOptions) {
    this.#options = options;
    const button = this.#button = doc.createElement("button");
    Object.assign(button, { id: "mic", type: "button", hidden: true, textContent: "Mic" });
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", () => {
      void this.toggle();
      button.blur();
      options.onButton?.();
    });
    const overlay = doc.getElementById("overlay");
    overlay?.insertBefore(button, doc.getElementById("full"));
  }

  /** The state the button shows. */
  get state(): MicState {
    return this.#state;
  }

  /** Whether this browser can capture and encode here (WebCodecs and getUserMedia need a secure context). */
  static get available(): boolean {
    return typeof globalThis.AudioEncoder === "function" && typeof AudioContext === "function" &&
      typeof navigator.mediaDevices?.getUserMedia === "function";
  }

  /** The hello says whether this viewer may send a microphone; the button shows accordingly, off. */
  configure(allowed: boolean): void {
    this.#stop();
    this.#button.hidden = !allowed;
    this.#show(allowed ? "off" : "unavailable");
  }

  /** Turns the microphone on or off (from the button; call from a user gesture for the permission prompt). */
  async toggle(): Promise<void> {
    if (this.#state === "on" || this.#state === "starting") {
      this.#stop();
      this.#options.send({ t: "mic", on: false });
      return this.#show("off");
    }
    if (this.#state !== "off") return;
    if (!Microphone.available) {
      return this.#options.notice(
        "The microphone needs https (or localhost) and a browser with WebCodecs audio encoding.",
      );
    }
    this.#show("starting");
    try {
      const capture = await this.#start();
      // Turned off (or the page reset) while the permission prompt was up.
      if ((this.#state as MicState) !== "starting") return capture.stop();
      this.#capture = capture;
      this.#options.send({ t: "mic", on: true });
      this.#show("on");
    } catch (error) {
      this.#show("off");
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.#options.notice(
        `The microphone could not start (${why}). Allow it in the browser's site settings.`,
      );
    }
  }

  /** The streamer's word on the microphone: on, or off and why (another viewer took over). */
  handle(message: Extract<ServerMessage, { t: "mic" }>): void {
    if (message.on || this.#state === "off" || this.#state === "unavailable") return;
    this.#stop();
    this.#show("off");
    if (message.message) this.#options.notice(message.message);
  }

  /** The connection is gone: capture stops; the next hello decides again. */
  connectionLost(): void {
    this.#stop();
    if (this.#state !== "unavailable") this.#show("off");
  }

  #show(state: MicState): void {
    this.#state = state;
    const on = state === "on" || state === "starting";
    this.#button.setAttribute("aria-pressed", String(on));
    this.#button.textContent = state === "on" ? "Mic on" : state === "starting" ? "Mic…" : "Mic off";
    this.#button.title = on
      ? "Your microphone is live in the desktop. Click to turn it off"
      : "Send your microphone to the desktop (its default recording source)";
  }

  #stop(): void {
    this.#capture?.stop();
    this.#capture = undefined;
  }

  async #start(): Promise<{ stop(): void }> {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    const context = new AudioContext({ sampleRate: MIC_SAMPLE_RATE, latencyHint: "interactive" });
    let seq = 0;
    const encoder = new AudioEncoder({
      output: (chunk) => {
        if (chunk.byteLength > MIC_MAX_PACKET_BYTES) return;
        const payload = new Uint8Array(chunk.byteLength);
        chunk.copyTo(payload);
        this.#options.sendBytes(
          encodeMicFrame({ seq: seq++ & 0xffff, timestampUs: chunk.timestamp, payload }),
        );
        this.sent++;
      },
      error: (error) => this.#failed(error),
    });
    encoder.configure({
      codec: "opus",
      sampleRate: MIC_SAMPLE_RATE,
      numberOfChannels: 1,
      bitrate: MIC_BITRATE,
      opus: { frameDuration: MIC_FRAME_MS * 1000 },
    } as AudioEncoderConfig);
    const source = context.createMediaStreamSource(stream);
    const processor = context.createScriptProcessor(BLOCK_FRAMES, 1, 1);
    const startUs = Math.round((performance.timeOrigin + performance.now()) * 1000);
    let frames = 0;
    processor.onaudioprocess = (event) => {
      if (encoder.state !== "configured") return;
      const samples = new Float32Array(event.inputBuffer.getChannelData(0));
      const data = new AudioData({
        format: "f32-planar",
        sampleRate: MIC_SAMPLE_RATE,
        numberOfFrames: samples.length,
        numberOfChannels: 1,
        timestamp: startUs + Math.round(frames * 1e6 / MIC_SAMPLE_RATE),
        data: samples,
      });
      frames += samples.length;
      encoder.encode(data);
      data.close();
    };
    // A processor runs only while connected to the output: through a muted gain, so nothing is heard here.
    const mute = context.createGain();
    mute.gain.value = 0;
    source.connect(processor).connect(mute).connect(context.destination);
    await context.resume();
    return {
      stop() {
        processor.onaudioprocess = null;
        source.disconnect();
        processor.disconnect();
        for (const track of stream.getTracks()) track.stop();
        if (encoder.state !== "closed") encoder.close();
        void context.close();
      },
    };
  }

  #failed(error: unknown): void {
    if (this.#state !== "on") return;
    this.#stop();
    this.#options.send({ t: "mic", on: false });
    this.#show("off");
    this.#options.notice(`The microphone stopped: ${String(error)}`);
  }
}
