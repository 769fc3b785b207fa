import assert from "node:assert/strict";

const MODULE = new URL("./_malloc_trim.ts", import.meta.url).href;

// In a process of its own: many small buffers (glibc's heap, not mmap), most of them freed, one in 64 kept so
// the heap's top cannot shrink by itself; then the trim.
const CODE = `
import { trimMemory } from "${MODULE}";
const rss = () => Number(/VmRSS:\\s+(\\d+)/.exec(Deno.readTextFileSync("/proc/self/status"))[1]) / 1024;
let buffers = Array.from({ length: 100_000 }, () => new Uint8Array(2048).fill(1));
const kept = buffers.filter((_, i) => i % 64 === 0);
buffers = [];
globalThis.gc(); globalThis.gc();
const before = rss();
const trimmed = trimMemory();
console.log(JSON.stringify({ trimmed, before, after: rss(), kept: kept.length }));
`;

Deno.test("trimMemory gives the allocator's free memory back to the system", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--expose-gc", CODE],
    stderr: "inherit",
  }).output();
  assert.ok(out.success);
  const { trimmed, before, after } = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(trimmed, true, "glibc's malloc_trim was called");
  // 200 MiB were allocated and about 197 freed: most of it goes back.
  console.log(`RSS ${before.toFixed(1)} -> ${after.toFixed(1)} MiB`);
  assert.ok(before - after > 50, `RSS ${before.toFixed(1)} -> ${after.toFixed(1)} MiB`);
});
