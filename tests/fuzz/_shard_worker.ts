/**
 * The Web Worker of `_shards.ts`: runs the part of a fuzz target it is sent and posts its report back.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { runShard, type ShardRequest } from "./_shards.ts";

self.onmessage = async (event: MessageEvent<ShardRequest>) => {
  try {
    self.postMessage(await runShard(event.data));
  } catch (error) {
    self.postMessage({ error: String((error as Error)?.stack ?? error) });
  }
};
