// A viewer's microphone and clipboard images: its `mic` messages and its binary frames of category
// `desktop` (protocol/microphone.ts, protocol/clipboard_image.ts). Kept out of viewer.ts, which dispatches.
import type { ServerMessage } from "../../protocol/protocol.ts";
import { decodeMicFrame, isMicFrame } from "../../protocol/microphone.ts";
import { ImageAssembler, isImageChunk } from "../../protocol/clipboard_image.ts";
import { getLog } from "../../log.ts";
import type { DesktopPort, MicrophoneHolder, MicrophonePort } from "./ports.ts";

const log = getLog("session", "viewer");

/** What {@linkcode desktopFrames} needs of its viewer. */
export interface DesktopFramesOptions {
  viewOnly: boolean;
  remote: string;
  send(message: ServerMessage): void;
  desktop: DesktopPort;
  /** The session's microphone; absent when the session has no audio. */
  microphone?: MicrophonePort;
}

/** One viewer's microphone and clipboard-image handling. */
export interface DesktopFrames {
  /** Whether this viewer may send its microphone (for the hello). */
  readonly micAvailable: boolean;
  /** Handles `{t:"mic", on}`. */
  mic(on: boolean): void;
  /** Handles a binary frame; `false` when it is not a microphone or image frame. */
  frame(bytes: Uint8Array): boolean;
  /** The viewer left: its microphone is released. */
  close(): void;
}

/** Builds the handler of one viewer (view-only viewers are refused everything, with one log line). */
export function desktopFrames(options: DesktopFramesOptions): DesktopFrames {
  const { send, microphone } = options;
  const holder: MicrophoneHolder = { revoked: (message) => send({ t: "mic", on: false, message }) };
  const images = new ImageAssembler();
  let refused = 0;
  const refuse = (what: string) => {
    if (++refused === 1 || refused % 1000 === 0) {
      log.info("refused {what} from view-only viewer {remote} ({count})", {
        what,
        remote: options.remote,
        count: refused,
      });
    }
  };
  const image = (bytes: Uint8Array) => {
    const result = images.push(bytes);
    if (result.state === "refused") {
      log.info("clipboard image from {remote} refused: {reason}", {
        remote: options.remote,
        reason: result.reason,
      });
      send({ t: "notice", message: `Your clipboard image was not pasted: ${result.reason}` });
    } else if (result.state === "done") {
      const set = options.desktop.setClipboardImage;
      if (!set) return send({ t: "notice", message: "This desktop does not take clipboard images" });
      set(result.png).catch((error) => {
        log.warning("clipboard image failed: {error}", { error: String(error) });
        send({ t: "notice", message: `Your clipboard image was not pasted: ${String(error)}` });
      });
    }
  };
  return {
    micAvailable: !options.viewOnly && microphone !== undefined,
    mic(on) {
      if (!microphone) {
        return send({ t: "mic", on: false, message: "This session has no audio, so no microphone" });
      }
      if (on) microphone.claim(holder);
      else microphone.release(holder);
      send({ t: "mic", on });
    },
    frame(bytes) {
      if (!isMicFrame(bytes) && !isImageChunk(bytes)) return false;
      if (options.viewOnly) {
        refuse(isMicFrame(bytes) ? "microphone" : "clipboard image");
        return true;
      }
      if (isImageChunk(bytes)) return image(bytes), true;
      const packet = decodeMicFrame(bytes);
      if (packet) microphone?.push(holder, packet);
      return true;
    },
    close: () => microphone?.release(holder),
  };
}
