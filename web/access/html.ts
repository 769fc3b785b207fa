/**
 * HTML escaping for the few pages the servers write themselves (login hop, portal, 401 pages).
 *
 * @module
 */

/**
 * Escapes text for an HTML text node or a quoted attribute value: `& < > " '` become character references.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./html.ts";
 * escapeHtml(`<a href="x">`); // "&#60;a href=&#34;x&#34;&#62;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
