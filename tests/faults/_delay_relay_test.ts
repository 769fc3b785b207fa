import assert from "node:assert/strict";
import { startDelayRelay } from "./_delay_relay.ts";

Deno.test("the delay relay holds each chunk both ways, keeps the order, and changes its delay live", async () => {
  // An echo server as the target.
  const echo = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const echoing = (async () => {
    for await (const conn of echo) conn.readable.pipeTo(conn.writable).catch(() => {});
  })().catch(() => {});
  await using relay = startDelayRelay({ hostname: "127.0.0.1", port: echo.addr.port }, 100);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
  const reader = conn.readable.getReader();
  const writer = conn.writable.getWriter();
  const roundTrip = async (bytes: Uint8Array) => {
    const started = performance.now();
    await writer.write(bytes);
    const got: number[] = [];
    while (got.length < bytes.length) got.push(...(await reader.read()).value!);
    return { ms: performance.now() - started, got };
  };
  // 100 ms each way: a round trip takes at least 200 ms (load only makes it longer).
  const first = await roundTrip(new Uint8Array([1, 2, 3]));
  assert.deepEqual(first.got, [1, 2, 3]);
  assert.ok(first.ms >= 195, `round trip ${first.ms} ms`);
  // Chunks read one by one (50 writes 5 ms apart) are pipelined, not held one delay each (that would take
  // 50 x 100 ms at least), and keep their order.
  const started = performance.now();
  const sending = (async () => {
    for (let i = 0; i < 50; i++) {
      await writer.write(new Uint8Array(1000).fill(i));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const got: number[] = [];
  while (got.length < 50_000) got.push(...(await reader.read()).value!);
  await sending;
  const ms = performance.now() - started;
  assert.deepEqual(got, Array.from({ length: 50_000 }, (_, i) => Math.floor(i / 1000)));
  assert.ok(ms < 4000, `50 chunks took ${ms} ms`);
  relay.delayMs = 0;
  const undelayed = await roundTrip(new Uint8Array([4]));
  assert.deepEqual(undelayed.got, [4]);
  assert.equal(relay.accepted, 1);
  // Closed with a connection open and a chunk held: no uncaught error, the client sees its end.
  relay.delayMs = 100;
  await writer.write(new Uint8Array([5]));
  await relay.close();
  assert.equal((await reader.read()).done, true);
  // (The stream closed the client's conn when it read the end.)
  echo.close();
  await echoing;
});
