/**
 * webrtcbin helpers: offer/answer, ICE, transceiver options, data channels.
 *
 * @module
 */
import { cstr, lib, readCstr } from "./_lib.ts";
import { GObject } from "./object.ts";

const SDP_TYPE_ANSWER = 3;
const PROMISE_REPLIED = 2;

/**
 * Asks webrtcbin for an offer, sets it as the local description, and returns its SDP text.
 *
 * @example
 * ```ts
 * import { createOffer } from "./webrtc.ts";
 * import type { GObject } from "./object.ts";
 * declare const webrtcbin: GObject;
 * const sdp = await createOffer(webrtcbin);
 * ```
 */
export async function createOffer(webrtcbin: GObject): Promise<string> {
  const gst = lib().gst;
  const promise = gst.gst_promise_new();
  webrtcbin.emit("create-offer", null, promise);
  const result = await gst.gst_promise_wait(promise);
  const reply = result === PROMISE_REPLIED ? gst.gst_promise_get_reply(promise) : null;
  const value = reply === null ? null : gst.gst_structure_get_value(reply, cstr("offer"));
  if (value === null) {
    const detail = reply === null
      ? `promise result ${result}`
      : readCstr(gst.gst_structure_to_string(reply), true);
    gst.gst_promise_unref(promise);
    throw new Error(`webrtcbin gave no offer: ${detail}`);
  }
  const desc = lib().gobject.g_value_get_boxed(value)!;
  const sdpMessage = new Deno.UnsafePointerView(desc).getPointer(8); // GstWebRTCSessionDescription.sdp
  const text = readCstr(lib().sdp.gst_sdp_message_as_text(sdpMessage), true) ?? "";
  await setDescription(webrtcbin, "set-local-description", desc);
  gst.gst_promise_unref(promise);
  return text;
}

/**
 * Applies the remote answer.
 *
 * @throws {Error} when the SDP does not parse.
 * @example
 * ```ts
 * import { setRemoteAnswer } from "./webrtc.ts";
 * import type { GObject } from "./object.ts";
 * declare const webrtcbin: GObject, answerSdp: string;
 * await setRemoteAnswer(webrtcbin, answerSdp);
 * ```
 */
export async function setRemoteAnswer(webrtcbin: GObject, sdp: string): Promise<void> {
  const out = new BigUint64Array(1);
  if (lib().sdp.gst_sdp_message_new_from_text(cstr(sdp), new Uint8Array(out.buffer)) !== 0) {
    throw new Error("the answer's SDP does not parse");
  }
  const message = Deno.UnsafePointer.create(out[0]);
  const desc = lib().webrtc.gst_webrtc_session_description_new(SDP_TYPE_ANSWER, message);
  await setDescription(webrtcbin, "set-remote-description", desc!);
  lib().webrtc.gst_webrtc_session_description_free(desc);
}

async function setDescription(webrtcbin: GObject, signal: string, desc: Deno.PointerObject): Promise<void> {
  const gst = lib().gst;
  const promise = gst.gst_promise_new();
  webrtcbin.emit(signal, desc, promise);
  await gst.gst_promise_wait(promise);
  gst.gst_promise_unref(promise);
}

/**
 * The transceivers of a webrtcbin, in m-line order (referenced handles).
 *
 * @example
 * ```ts
 * import { transceivers } from "./webrtc.ts";
 * import type { GObject } from "./object.ts";
 * declare const webrtcbin: GObject;
 * for (const t of transceivers(webrtcbin)) t.set("direction", "sendonly");
 * ```
 */
export function transceivers(webrtcbin: GObject): GObject[] {
  const out: GObject[] = [];
  for (let index = 0;; index++) {
    const ptr = webrtcbin.emit("get-transceiver", index) as Deno.PointerValue;
    if (ptr === null) return out;
    out.push(new GObject(ptr));
  }
}

/**
 * Creates a data channel on webrtcbin (before the offer, so it is part of it).
 *
 * @example
 * ```ts
 * import { createDataChannel } from "./webrtc.ts";
 * import type { GObject } from "./object.ts";
 * declare const webrtcbin: GObject;
 * const channel = createDataChannel(webrtcbin, "input");
 * channel.connect("on-message-string", (text) => console.log(text));
 * ```
 */
export function createDataChannel(webrtcbin: GObject, label: string): GObject {
  const ptr = webrtcbin.emit("create-data-channel", label, null) as Deno.PointerValue;
  if (ptr === null) throw new Error(`webrtcbin refused to create data channel "${label}"`);
  return new GObject(ptr);
}
