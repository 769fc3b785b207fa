/**
 * An in-memory session for fuzzing the viewer logic (streamer/session/viewer.ts) at full speed: the shared
 * viewer ports (tests/fixtures/viewer_ports.ts: sockets, a still media port, a hello) with a media port whose
 * frames the test emits, and a desktop that counts what reaches it. The end-to-end fuzz tests drive the real
 * session; this is for the 100 000-message runs.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { MediaFrame } from "../../protocol/protocol.ts";
import { attachViewer, type Viewer, type ViewerContext } from "../../streamer/session/viewer.ts";
import type { DesktopPort, MediaPort } from "../../streamer/session/ports.ts";
import { memorySocket, quietContext } from "../fixtures/viewer_ports.ts";

/** An in-memory session: its context for viewers and what reached its desktop. */
/** The desktop calls input makes (the fake desktop counts each): a view-only viewer must cause none. */
export const DESKTOP_INPUT_CALLS = [
  "keyDown",
  "keyUp",
  "releaseAll",
  "moveTo",
  "moveBy",
  "button",
  "wheel",
  "setClipboard",
] as const;

export interface FakeSession {
  context: ViewerContext;
  /** Desktop calls so far, by method. */
  calls: Map<string, number>;
  /** Sends a frame to every subscriber. */
  emit(frame: MediaFrame): void;
  /** Live subscribers (a leak shows here). */
  subscribers(): number;
}

/**
 * Builds an in-memory session; `createPeer` answers the viewers' WebRTC requests (refused by default).
 *
 * @example
 * ```ts
 * import { fakeSession } from "./_ports.ts";
 * const session = fakeSession();
 * session.subscribers(); // 0
 * ```
 */
export function fakeSession(createPeer?: MediaPort["createPeer"]): FakeSession {
  const calls = new Map<string, number>();
  const count = (name: string) => () => void calls.set(name, (calls.get(name) ?? 0) + 1);
  const subscribers = new Set<(frame: MediaFrame) => void>();
  const desktop: DesktopPort = {
    keyDown: count("keyDown"),
    keyUp: count("keyUp"),
    typeText: count("typeText"),
    releaseAll: count("releaseAll"),
    moveTo: count("moveTo"),
    moveBy: count("moveBy"),
    button: count("button"),
    wheel: count("wheel"),
    setClipboard: count("setClipboard"),
    resize: (width, height) => Promise.resolve({ width: width & ~1, height: height & ~1 }),
  };
  const quiet = quietContext(false);
  const media: MediaPort = {
    ...quiet.media,
    subscribe(onFrame) {
      subscribers.add(onFrame);
      return () => subscribers.delete(onFrame);
    },
    // The encoder refusing a rate: the viewer's error path for it gets hostile rates too.
    setBitrate: (kbps) => kbps > 100_000 ? Promise.reject(new Error("too high")) : Promise.resolve(),
    createPeer: createPeer ?? quiet.media.createPeer,
  };
  const context: ViewerContext = { ...quiet, media, desktop, onResized: count("resized") };
  return {
    context,
    calls,
    emit: (frame) => {
      for (const cb of [...subscribers]) cb(frame);
    },
    subscribers: () => subscribers.size,
  };
}

let seq = 0;

/**
 * Checks that a new, well-behaved viewer is still served: it gets its hello, a keyframe, and its key press
 * reaches the desktop. It leaves again, and its subscription with it.
 *
 * @example
 * ```ts
 * import { assertViewerServed, fakeSession } from "./_ports.ts";
 * await assertViewerServed(fakeSession());
 * ```
 */
export async function assertViewerServed(session: FakeSession): Promise<void> {
  const { socket, sent, receive } = memorySocket();
  const before = session.subscribers();
  const viewer: Viewer = attachViewer(socket, { viewOnly: false, remote: "legit" }, session.context);
  assert.equal(JSON.parse(sent[0] as string).t, "hello", "a new viewer hears its hello");
  session.emit({
    kind: "video",
    key: true,
    timestampUs: Date.now() * 1000,
    seq: ++seq & 0xffff,
    payload: new Uint8Array([0, 0, 0, 1, 0x65]),
  });
  assert.ok(sent.some((m) => m instanceof Uint8Array), "a new viewer gets a keyframe");
  const keys = session.calls.get("keyDown") ?? 0;
  receive(JSON.stringify({ t: "kd", k: 0x61 }));
  assert.equal(session.calls.get("keyDown"), keys + 1, "its key press reaches the desktop");
  socket.close();
  await viewer.closed;
  assert.equal(session.subscribers(), before, "it leaves no subscription behind");
}
