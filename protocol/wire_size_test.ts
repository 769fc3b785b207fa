import assert from "node:assert/strict";
import { exceedsBytes, fitCloseReason, MAX_CLOSE_REASON_BYTES, wireBytes } from "./wire_size.ts";
import { MAX_CONTROL_BYTES, parseClientMessage } from "./protocol.ts";
import { MAX_TUNNEL_CONTROL_BYTES, parseTunnelUp } from "./tunnel.ts";

Deno.test("wire sizes count UTF-8 bytes, as text frames carry them", () => {
  for (const text of ["", "a", "é", "€", "😀", "a€😀é", "\ud800", "\udc00x", "\u0000"]) {
    assert.equal(wireBytes(text), new TextEncoder().encode(text).byteLength, JSON.stringify(text));
  }
  assert.equal(wireBytes(new Uint8Array(7)), 7);
  assert.equal(exceedsBytes("€".repeat(100), 299), true);
  assert.equal(exceedsBytes("€".repeat(100), 300), false);
  assert.equal(exceedsBytes("x".repeat(301), 300), true);
  assert.equal(exceedsBytes(new Uint8Array(301), 300), true);
});

Deno.test("control messages over the limit in bytes are refused, though under it in characters", () => {
  // 100 000 characters of 3 bytes each: 300 000 bytes on the wire, above 256 KiB.
  const text = "€".repeat(100_000);
  const clip = JSON.stringify({ t: "clip", text });
  assert.ok(clip.length < MAX_CONTROL_BYTES && wireBytes(clip) > MAX_CONTROL_BYTES);
  assert.equal(parseClientMessage(clip), undefined);
  const fits = JSON.stringify({ t: "clip", text: "€".repeat(80_000) });
  assert.deepEqual(parseClientMessage(fits), { t: "clip", text: "€".repeat(80_000) });
  const ping = JSON.stringify({ t: "ping", n: 1, pad: "€".repeat(30_000) });
  assert.ok(ping.length < MAX_TUNNEL_CONTROL_BYTES && wireBytes(ping) > MAX_TUNNEL_CONTROL_BYTES);
  assert.equal(parseTunnelUp(ping), undefined);
});

Deno.test("close reasons are cut to 123 UTF-8 bytes, never inside a character", () => {
  assert.equal(fitCloseReason("short"), "short");
  for (const char of ["a", "é", "€", "😀"]) {
    const cut = fitCloseReason(char.repeat(200));
    assert.ok(wireBytes(cut) <= MAX_CLOSE_REASON_BYTES, char);
    assert.ok(wireBytes(cut) > MAX_CLOSE_REASON_BYTES - wireBytes(char), `${char}: not cut short`);
    assert.equal(cut, char.repeat([...cut].length), `${char}: whole characters only`);
  }
});
