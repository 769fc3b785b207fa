import assert from "node:assert/strict";
import type { ClientMessage } from "../../protocol/protocol.ts";
import { MAX_CONTROL_BYTES, wireBytes } from "../../protocol/protocol.ts";
import { ClipboardBridge } from "./clipboard.ts";

function paste(text: string): void {
  const event = new Event("paste", { cancelable: true });
  Object.defineProperty(event, "clipboardData", { value: { getData: () => text } });
  globalThis.dispatchEvent(event);
}

Deno.test("a pasted clipboard too long for one message reaches the desktop cut, not dropped", () => {
  const sent: ClientMessage[] = [];
  const bridge = new ClipboardBridge({
    send: (m) => sent.push(m),
    panel: { value: "" } as HTMLTextAreaElement,
  });
  bridge.enabled = true;
  // 100 000 three-byte characters: 300 000 bytes, over the 256 KiB a control message may carry.
  paste("€".repeat(100_000));
  assert.equal(sent.length, 1);
  const message = sent[0] as Extract<ClientMessage, { t: "clip" }>;
  assert.equal(message.t, "clip");
  assert.equal(message.text, "€".repeat(87_374));
  assert.ok(wireBytes(JSON.stringify(message)) <= MAX_CONTROL_BYTES);

  paste("hello");
  assert.deepEqual(sent[1], { t: "clip", text: "hello" });
});
