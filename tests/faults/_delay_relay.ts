/**
 * A userspace TCP relay that delays what it forwards, for the network-delay fault: this box's kernel has no
 * `netem` qdisc (`tc ... netem` answers "Specified qdisc kind is unknown"), so the streamer dials the gateway
 * through this relay instead, and every chunk read on either side is written to the other `delayMs` later.
 * Chunks keep their order and reading goes on meanwhile (a pipeline, not stop-and-wait), so throughput is
 * not capped at one chunk per delay; unlike netem it delays TCP segments after TCP, not packets (no
 * retransmission or window effects), which is what a user sees of a long path without loss.
 *
 * @module
 */

/** A listening relay. */
export interface DelayRelay extends AsyncDisposable {
  /** The port it listens on (127.0.0.1). */
  port: number;
  /** Delay added in each direction, ms; may change while connections are open. */
  delayMs: number;
  /** Connections accepted so far. */
  accepted: number;
  /** Stops listening and ends every connection. Idempotent. */
  close(): Promise<void>;
}

/** Writes all of `bytes` (a write may take part of them). */
async function writeAll(to: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await to.write(bytes.subarray(done));
}

/**
 * Copies `from` to `to`, holding each chunk until `delay()` ms after it was read (never before the one
 * before it), then half-closes `to`. The raw read/write calls, not the conns' streams: a relay closed under
 * them then only rejects calls awaited here.
 */
async function pump(from: Deno.Conn, to: Deno.Conn, delay: () => number): Promise<void> {
  const queue: { at: number; bytes: Uint8Array }[] = [];
  let wake: (() => void) | undefined, ended = false, last = 0;
  const writing = (async () => {
    while (!ended || queue.length) {
      const next = queue.shift();
      if (!next) {
        await new Promise<void>((resolve) => wake = resolve);
        continue;
      }
      const wait = next.at - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await writeAll(to, next.bytes);
    }
    await to.closeWrite();
  })().catch(() => {
    // The far side is gone (a broken pipe, or the relay closed): end this side's reading too.
    closeQuietly(from);
    closeQuietly(to);
  });
  try {
    for (;;) {
      const buffer = new Uint8Array(64 * 1024);
      const n = await from.read(buffer);
      if (n === null) break;
      last = Math.max(last, performance.now() + delay());
      queue.push({ at: last, bytes: buffer.subarray(0, n) });
      wake?.();
    }
  } catch {
    // Reset, or closed by the relay.
  } finally {
    ended = true;
    wake?.();
  }
  await writing;
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Closed already.
  }
}

/**
 * Listens on 127.0.0.1 and relays each connection to `target` with `delayMs` added each way.
 *
 * @example
 * ```ts
 * import { startDelayRelay } from "./_delay_relay.ts";
 * await using relay = startDelayRelay({ hostname: "127.0.0.1", port: 8080 }, 150);
 * // dial 127.0.0.1:relay.port instead of :8080
 * ```
 */
export function startDelayRelay(target: Deno.ConnectOptions, delayMs: number): DelayRelay {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  let closed = false;
  const relay: DelayRelay = {
    port: listener.addr.port,
    delayMs,
    accepted: 0,
    close: async () => {
      if (closed) return;
      closed = true;
      listener.close();
      for (const conn of conns) closeQuietly(conn);
      await accepting;
    },
    [Symbol.asyncDispose]: () => relay.close(),
  };
  const serve = async (inbound: Deno.Conn) => {
    conns.add(inbound);
    let outbound: Deno.Conn | undefined;
    try {
      outbound = await Deno.connect(target);
      conns.add(outbound);
      await Promise.all([
        pump(inbound, outbound, () => relay.delayMs),
        pump(outbound, inbound, () => relay.delayMs),
      ]);
    } catch {
      // The target refused, or a side closed.
    } finally {
      for (const conn of [inbound, outbound]) if (conn && conns.delete(conn)) closeQuietly(conn);
    }
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        relay.accepted++;
        serve(conn);
      }
    } catch {
      // Closed.
    }
  })();
  return relay;
}
