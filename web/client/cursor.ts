/**
 * Shows the desktop's cursor image as the browser's cursor over the remote view.
 *
 * @module
 */
import type { ServerMessage } from "../../protocol/protocol.ts";

/** A cursor message from the server. */
export type CursorMessage = Extract<ServerMessage, { t: "cursor" } | { t: "cursor-hidden" }>;

/**
 * Returns the CSS `cursor` value for a server cursor message.
 *
 * @example
 * ```ts
 * import { cursorCss } from "./cursor.ts";
 * cursorCss({ t: "cursor", png: "iVBORw0KGgo=", w: 16, h: 16, hx: 1, hy: 2 });
 * // 'url("data:image/png;base64,iVBORw0KGgo=") 1 2, auto'
 * cursorCss({ t: "cursor-hidden" }); // "none"
 * ```
 */
export function cursorCss(message: CursorMessage): string {
  if (message.t === "cursor-hidden") return "none";
  // Base64 cannot hold quotes or parentheses; reject anything else rather than inject CSS.
  if (!/^[A-Za-z0-9+/=]*$/.test(message.png)) return "auto";
  const hx = Math.max(0, Math.min(message.w - 1, Math.round(message.hx))) || 0;
  const hy = Math.max(0, Math.min(message.h - 1, Math.round(message.hy))) || 0;
  return `url("data:image/png;base64,${message.png}") ${hx} ${hy}, auto`;
}
