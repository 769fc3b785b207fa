import assert from "node:assert/strict";
import { encodeMicFrame, type MicPacket } from "../../protocol/microphone.ts";
import {
  encodeImageChunks,
  MAX_CLIPBOARD_IMAGE_BYTES,
  PNG_SIGNATURE,
} from "../../protocol/clipboard_image.ts";
import { MicrophoneFloor } from "../audio/microphone.ts";
import { attachViewer, type ViewerContext } from "./viewer.ts";
import { memorySocket, quietContext } from "../../tests/fixtures/viewer_ports.ts";

// Unit test of a viewer's microphone and clipboard-image wiring: in-memory sockets, a real MicrophoneFloor over
// a recording sink, a desktop that records the images it is given; no media.
function setup() {
  const played: MicPacket[] = [];
  const images: Uint8Array[] = [];
  const microphone = new MicrophoneFloor({ push: (p) => void played.push(p), stop: () => Promise.resolve() });
  const context = {
    ...quietContext(true),
    desktop: {
      releaseAll: () => {},
      setClipboardImage: (png: Uint8Array) => (images.push(png.slice()), Promise.resolve()),
    } as unknown as ViewerContext["desktop"],
    microphone,
  } as ViewerContext;
  const attach = (viewOnly: boolean) => {
    const { socket, sent, receive } = memorySocket();
    const viewer = attachViewer(socket, { viewOnly, remote: viewOnly ? "watcher" : "owner" }, context);
    return {
      viewer,
      receive,
      messages: () => sent.filter((d) => typeof d === "string").map((d) => JSON.parse(d as string)),
      leave: () => socket.close(),
    };
  };
  return { attach, played, images, microphone };
}

const packet = (seq: number) =>
  encodeMicFrame({ seq, timestampUs: seq * 20_000, payload: new Uint8Array([seq]) });
const png = (size: number) => {
  const bytes = new Uint8Array(size).map((_, i) => i * 7);
  bytes.set(PNG_SIGNATURE);
  return bytes;
};

Deno.test("viewer microphone: off until asked, then played; the last viewer to turn it on wins", async () => {
  const { attach, played } = setup();
  const a = attach(false), b = attach(false);
  assert.equal(a.messages()[0].mic, true, "the hello offers the microphone");
  a.receive(packet(1));
  assert.equal(played.length, 0, "muted until the viewer turns it on");
  a.receive(JSON.stringify({ t: "mic", on: true }));
  a.receive(packet(2));
  assert.deepEqual(played.map((p) => p.seq), [2]);
  assert.deepEqual(a.messages().at(-1), { t: "mic", on: true });
  b.receive(JSON.stringify({ t: "mic", on: true }));
  assert.match(a.messages().at(-1).message, /Another viewer turned their microphone on/);
  assert.equal(a.messages().at(-1).on, false);
  a.receive(packet(3));
  b.receive(packet(4));
  assert.deepEqual(played.map((p) => p.seq), [2, 4], "only the holder is heard");
  b.leave();
  b.receive(packet(5));
  a.receive(packet(6));
  assert.deepEqual(
    played.map((p) => p.seq),
    [2, 4],
    "a viewer that left holds nothing, and nobody took over",
  );
  // Hostile frames: too long, no payload, not finite; nothing breaks.
  a.receive(JSON.stringify({ t: "mic", on: true }));
  a.receive(encodeMicFrame({ seq: 7, timestampUs: NaN, payload: new Uint8Array(3) }));
  a.receive(encodeMicFrame({ seq: 8, timestampUs: 0, payload: new Uint8Array(5000) }));
  a.receive(new Uint8Array([4]));
  a.receive(packet(9));
  assert.deepEqual(played.map((p) => p.seq), [2, 4, 9]);
  a.leave();
  await a.viewer.closed;
});

Deno.test("a view-only viewer's microphone and images are refused by the streamer", async () => {
  const { attach, played, images } = setup();
  const watcher = attach(true);
  assert.equal(watcher.messages()[0].mic, false, "no microphone offered");
  watcher.receive(JSON.stringify({ t: "mic", on: true }));
  for (let seq = 0; seq < 5; seq++) watcher.receive(packet(seq));
  for (const frame of encodeImageChunks(1, png(1000))) watcher.receive(frame);
  assert.equal(played.length, 0);
  assert.equal(images.length, 0);
  assert.ok(!watcher.messages().some((m) => m.t === "mic" && m.on), "never told its microphone is on");
  // It cannot take the microphone from a viewer that holds it either.
  const owner = attach(false);
  owner.receive(JSON.stringify({ t: "mic", on: true }));
  watcher.receive(JSON.stringify({ t: "mic", on: true }));
  owner.receive(packet(1));
  assert.deepEqual(played.map((p) => p.seq), [1]);
  watcher.leave();
  owner.leave();
  await Promise.all([watcher.viewer.closed, owner.viewer.closed]);
});

Deno.test("viewer clipboard images: a pasted PNG reaches the desktop whole; bad ones get a notice", async () => {
  const { attach, images } = setup();
  const owner = attach(false);
  const image = png(300_000); // three chunks
  for (const frame of encodeImageChunks(1, image)) owner.receive(frame);
  assert.equal(images.length, 1);
  assert.deepEqual(images[0], image);
  // Not a PNG.
  for (const frame of encodeImageChunks(2, new Uint8Array(500))) owner.receive(frame);
  assert.match(owner.messages().at(-1).message, /not pasted: the image is not a PNG/);
  // A header claiming more than the limit: one notice, its later chunks skipped.
  const frames = encodeImageChunks(3, png(300_000));
  new DataView(frames[0].buffer).setUint32(6, MAX_CLIPBOARD_IMAGE_BYTES + 1);
  const before = owner.messages().length;
  for (const frame of frames) owner.receive(frame);
  const notices = owner.messages().slice(before);
  assert.equal(notices.length, 1);
  assert.match(notices[0].message, /over the 8.0 MiB limit/);
  assert.equal(images.length, 1);
  owner.leave();
  await owner.viewer.closed;
});
