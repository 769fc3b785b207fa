/**
 * An ICE (STUN/TURN) server entry, as `RTCIceServer` spells it: the one shape the site config, the gateway's
 * config and `registered` message, the streamer's `hello` and its webrtcbin peers all use.
 *
 * @module
 */
import { z } from "zod";

/**
 * Schema of one ICE server. Wire messages parse it as is (unknown keys dropped); config files add
 * `.strict()` so a misspelt key is an error.
 *
 * @example
 * ```ts
 * import { IceServerSchema } from "./ice.ts";
 * IceServerSchema.parse({ urls: "stun:stun.example.org:3478" }).urls; // "stun:stun.example.org:3478"
 * IceServerSchema.strict().safeParse({ url: "stun:x" }).success; // false
 * ```
 */
export const IceServerSchema = z.object({
  /** One or more `stun:`/`turn:`/`turns:` URLs. */
  urls: z.union([z.string(), z.array(z.string()).min(1)]),
  /** TURN username. */
  username: z.string().optional(),
  /** TURN credential (password). */
  credential: z.string().optional(),
});

/**
 * An ICE server as `RTCPeerConnection` takes it.
 *
 * @example
 * ```ts
 * import type { IceServer } from "./ice.ts";
 * const turn: IceServer = { urls: ["turn:turn.example.org:3478"], username: "1700000000:ada", credential: "c" };
 * ```
 */
export type IceServer = z.output<typeof IceServerSchema>;
