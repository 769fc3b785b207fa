/**
 * Bundles the browser client into `web/client/dist/client.js` (`scripts/deno task bundle`).
 * The servers do the same on first use (bundle.ts); this script is for development and packaging.
 *
 * @module
 */
import { CLIENT_DIR, clientBundle } from "./bundle.ts";

if (import.meta.main) {
  console.log(await clientBundle(CLIENT_DIR));
}
