import assert from "node:assert/strict";
import { socketUrl } from "./connection.ts";

Deno.test("the socket URL sits next to the page under any prefix and drops query and hash", () => {
  assert.equal(socketUrl("http://127.0.0.1:8080/"), "ws://127.0.0.1:8080/ws");
  assert.equal(
    socketUrl("https://ood.example/rnode/c1/8080/?transport=webrtc#x"),
    "wss://ood.example/rnode/c1/8080/ws",
  );
  assert.equal(socketUrl("https://ood.example/node/c1/8080/"), "wss://ood.example/node/c1/8080/ws");
});
