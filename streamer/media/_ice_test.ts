import assert from "node:assert/strict";
import { gstIceServers } from "./_ice.ts";

Deno.test("ICE servers become webrtcbin URIs with escaped credentials", () => {
  assert.deepEqual(
    gstIceServers([
      { urls: ["stun:stun.example:3478", "stun:other:1"] },
      { urls: "turn:t.example:3478?transport=tcp", username: "1700000000:alice", credential: "a/b+c=" },
      { urls: "turns:t.example:5349", username: "u", credential: "p" },
      { urls: "https://not-ice" },
    ]),
    {
      stun: "stun://stun.example:3478",
      turn: [
        "turn://1700000000%3Aalice:a%2Fb%2Bc%3D@t.example:3478?transport=tcp",
        "turns://u:p@t.example:5349",
      ],
    },
  );
  assert.deepEqual(gstIceServers([]), { stun: undefined, turn: [] });
});
