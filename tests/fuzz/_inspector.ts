/**
 * Reads another Deno process's JS heap through its V8 inspector (`deno run --inspect=HOST:PORT`): a full
 * garbage collection, then the heap in use. RSS alone cannot tell a leak from V8 sizing its heap to the
 * load it saw (the end-to-end fuzz test's streamer took ~100 MB of RSS in its first round), the heap after
 * a collection can.
 *
 * @module
 */

/** An open inspector session. */
export interface Inspector {
  /** Collects garbage (twice: finalizers free more on the second pass) and resolves with the heap in use. */
  heapAfterGc(): Promise<number>;
  /** Sends one Chrome DevTools Protocol command and resolves with its result. */
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): void;
}

/**
 * Connects to the inspector listening on `port` (its first target).
 *
 * @example
 * ```ts
 * import { connectInspector } from "./_inspector.ts";
 * const inspector = await connectInspector(9229);
 * console.log(await inspector.heapAfterGc());
 * inspector.close();
 * ```
 */
export async function connectInspector(port: number, host = "127.0.0.1"): Promise<Inspector> {
  const targets = await (await fetch(`http://${host}:${port}/json/list`)).json();
  const url = targets[0]?.webSocketDebuggerUrl;
  if (typeof url !== "string") throw new Error(`no inspector target on ${host}:${port}`);
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`the inspector at ${url} refused`));
  });
  let next = 1;
  const pending = new Map<number, { resolve(v: Record<string, unknown>): void; reject(e: Error): void }>();
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    const waiter = pending.get(message.id);
    if (!waiter) return; // an event
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(JSON.stringify(message.error)));
    else waiter.resolve(message.result ?? {});
  };
  ws.onclose = () => {
    for (const waiter of pending.values()) waiter.reject(new Error("the inspector closed"));
    pending.clear();
  };
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    send,
    async heapAfterGc() {
      await send("HeapProfiler.collectGarbage");
      await send("HeapProfiler.collectGarbage");
      return (await send("Runtime.getHeapUsage")).usedSize as number;
    },
    close: () => ws.close(),
  };
}
