/**
 * Bundles the browser client into `web/client/dist/client.js` (`scripts/deno task bundle`).
 * The server does the same on first use; this script is for development and packaging.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { clientBundle } from "../../streamer/server/_client_bundle.ts";

if (import.meta.main) {
  const path = await clientBundle(fileURLToPath(new URL(".", import.meta.url)));
  console.log(path);
}
