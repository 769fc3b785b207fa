/**
 * Maps validated input messages onto the desktop's input port.
 *
 * @module
 */
import type { ClientMessage } from "../../protocol/protocol.ts";
import type { DesktopPort } from "./ports.ts";
import { getLog } from "../../log.ts";

const log = getLog("session", "input");

/** Input messages (the ones {@linkcode applyInput} handles). */
export type InputMessage = Extract<
  ClientMessage,
  { t: "kd" | "ku" | "text" | "reset" | "ma" | "mr" | "mb" | "mw" | "clip" }
>;

/**
 * Applies one input message to the desktop; other message types are ignored.
 * Returns whether the message was an input message.
 *
 * @example
 * ```ts
 * import { applyInput } from "./input.ts";
 * import type { DesktopPort } from "./ports.ts";
 * declare const desktop: DesktopPort;
 * applyInput(desktop, { t: "kd", k: 0x61 }); // presses "a"
 * ```
 */
export function applyInput(desktop: DesktopPort, message: ClientMessage): boolean {
  switch (message.t) {
    case "kd":
      desktop.keyDown(message.k);
      return true;
    case "ku":
      desktop.keyUp(message.k);
      return true;
    case "text":
      desktop.typeText(message.s);
      return true;
    case "reset":
      desktop.releaseAll();
      return true;
    case "ma":
      desktop.moveTo(message.x, message.y);
      return true;
    case "mr":
      desktop.moveBy(message.dx, message.dy);
      return true;
    case "mb":
      desktop.button(message.b, message.d);
      return true;
    case "mw":
      desktop.wheel(message.dx, message.dy);
      return true;
    case "clip":
      // A failed set is logged: a dropped rejection would end the streamer's process (Deno exits on one).
      Promise.resolve(desktop.setClipboard(message.text)).catch((error) =>
        log.warning("clipboard not set: {error}", { error: String(error) })
      );
      return true;
    default:
      return false;
  }
}
