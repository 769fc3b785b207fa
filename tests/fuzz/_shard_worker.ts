/**
 * The Web Worker of `_shards.ts`: runs the part of a fuzz target it is sent and posts its report back.
 *
 * @module
 */
import { runShard, type ShardRequest } from "./_shards.ts";

/**
 * The worker's own scope, typed here: a `/// <reference lib="deno.worker" />` would retype `globalThis` for
 * every file `deno check` reads with this one (the browser client's listeners then fail to type-check).
 */
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<ShardRequest>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = async (event) => {
  try {
    scope.postMessage(await runShard(event.data));
  } catch (error) {
    scope.postMessage({ error: String((error as Error)?.stack ?? error) });
  }
};
