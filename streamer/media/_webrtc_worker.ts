/**
 * The worker side of one WebRTC viewer: offer, trickle ICE, answer, the `input` data channel.
 *
 * @module
 */
import {
  createDataChannel,
  createOffer,
  GObject,
  registerPlayoutDelay,
  setRemoteAnswer,
  transceivers,
} from "../gst/mod.ts";
import type { IceServer } from "../../protocol/ice.ts";
import { gstIceServers } from "./_ice.ts";
import type { FromWorker } from "./_protocol.ts";

/** Drives a webrtcbin for one viewer; every event goes to the parent through `send`. */
export class WebRtcEndpoint {
  #webrtcbin: GObject;
  #send: (message: FromWorker) => Promise<void>;
  #channels: GObject[] = [];
  // Candidates gathered before the offer went out wait for it: the browser cannot add them earlier.
  #early: FromWorker[] | undefined = [];

  /**
   * Configures ICE, the data channel and the negotiation handler; the offer follows when webrtcbin asks.
   * `onConnected` runs when the connection is up (the viewer needs a keyframe now, even on an idle screen).
   */
  constructor(
    webrtcbin: GObject,
    iceServers: IceServer[],
    send: (message: FromWorker) => Promise<void>,
    onConnected: () => void,
  ) {
    this.#webrtcbin = webrtcbin;
    this.#send = send;
    // The payloader's caps ask for the playout-delay extension by URI (pipeline.ts); it must exist before
    // they are negotiated, at PLAYING. Without it the stream still plays, through the browser's jitter buffer.
    try {
      registerPlayoutDelay();
    } catch (error) {
      console.error(`no playout-delay extension: ${(error as Error).message}`);
    }
    const { stun, turn } = gstIceServers(iceServers);
    if (stun) webrtcbin.set("stun-server", stun);
    for (const uri of turn) webrtcbin.emit("add-turn-server", uri);
    webrtcbin.connect("on-ice-candidate", (mline, candidate) => {
      const message: FromWorker = { t: "ice", candidate: String(candidate), sdpMLineIndex: Number(mline) };
      if (this.#early) this.#early.push(message);
      else send(message);
    });
    webrtcbin.connect("on-negotiation-needed", () => this.#offer());
    webrtcbin.connect(
      "on-data-channel",
      (channel) => this.#watchChannel(new GObject(channel as Deno.PointerObject)),
    );
    webrtcbin.connect("notify::connection-state", () => {
      const state = String(webrtcbin.get("connection-state"));
      if (state === "failed" || state === "closed") send({ t: "closed", reason: `connection ${state}` });
      if (state === "connected") {
        send({ t: "connected" });
        onConnected();
      }
    });
  }

  /** Creates the `input` data channel; webrtcbin must be in READY or later (it refuses while closed). */
  createInputChannel(): void {
    this.#watchChannel(createDataChannel(this.#webrtcbin, "input"));
  }

  /** Applies the browser's answer. */
  answer(sdp: string): Promise<void> {
    return setRemoteAnswer(this.#webrtcbin, sdp);
  }

  /** Adds a trickled remote candidate (an empty candidate marks the end and is skipped). */
  addIceCandidate(mline: number, candidate: string): void {
    if (candidate) this.#webrtcbin.emit("add-ice-candidate", mline, candidate);
  }

  async #offer(): Promise<void> {
    // NACK (and with it RTX) must be on before the offer is made, for video only: Chromium rejects an
    // offer with an RTX ssrc-group on the audio m-line. We only send.
    // Transceivers follow link order, and the description links video first (their `kind` is still
    // unknown at this point).
    transceivers(this.#webrtcbin).forEach((t, index) => {
      t.set("direction", "sendonly");
      if (index === 0) t.set("do-nack", true);
    });
    try {
      const sdp = await createOffer(this.#webrtcbin);
      await this.#send({ t: "offer", sdp });
      for (const message of this.#early ?? []) await this.#send(message);
      this.#early = undefined;
    } catch (error) {
      await this.#send({ t: "error", message: (error as Error).message });
    }
  }

  #watchChannel(channel: GObject): void {
    this.#channels.push(channel); // Keep a reference for the process lifetime.
    channel.connect("on-message-string", (text) => {
      if (typeof text === "string") this.#send({ t: "data", text });
    });
  }
}
