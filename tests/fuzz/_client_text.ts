/**
 * Hostile text control messages of the browser socket (and of the WebRTC data channel, which carries the
 * same messages): valid and boundary samples derived from protocol.ts's schema, so a new message type is
 * covered at once, their mutations, and garbage.
 *
 * @module
 */
import { ClientMessageSchema } from "../../protocol/protocol.ts";
import type { Rng } from "./_gen.ts";
import { jsonText } from "./_json.ts";
import { messageCorpus } from "./_schema.ts";

/** Samples of every client message type. */
export const clientCorpus = messageCorpus(ClientMessageSchema);

/**
 * One hostile client text message.
 *
 * @example
 * ```ts
 * import { hostileClientText } from "./_client_text.ts";
 * import { Rng } from "./_gen.ts";
 * typeof hostileClientText(new Rng(1)); // "string"
 * ```
 */
export function hostileClientText(rng: Rng): string {
  const roll = rng.int(10);
  if (roll === 0) return JSON.stringify(clientCorpus.valid(rng));
  if (roll === 1) return JSON.stringify(clientCorpus.boundary(rng));
  return jsonText(rng, [clientCorpus.valid(rng), clientCorpus.valid(rng)]);
}
