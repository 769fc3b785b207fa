// The WebRTC data channel's fuzz target, in-process (issue 14, target 2; run by datachannel_fuzz_test.ts). The browser's `input` channel ends in the
// viewer's media worker (streamer/media/_webrtc_worker.ts), which passes every string on to its parent as a
// `data` control frame over the IPC pipe (_ipc.ts); the parent's peer (_peer.ts) hands it to the viewer
// (streamer/session/viewer.ts), which applies the same parser and rules as for its socket. Here hostile
// texts take that whole path from the IPC bytes on: encoded, cut into random pipe chunks, read back by
// readIpc, dispatched by startPeer, handled by the viewer. Only the worker itself (GStreamer's webrtcbin) is
// left out: WebRTC end to end is the stream tests' business.
import assert from "node:assert/strict";
import { encodeIpc, readIpc } from "../../streamer/media/_ipc.ts";
import { type SpawnWorker, startPeer } from "../../streamer/media/_peer.ts";
import type { FromWorker, WorkerConfig } from "../../streamer/media/_protocol.ts";
import type { WorkerProcess } from "../../streamer/media/_worker_process.ts";
import type { MediaPort } from "../../streamer/session/ports.ts";
import { attachViewer, type Viewer } from "../../streamer/session/viewer.ts";
import { hostileClientText } from "./_client_text.ts";
import type { Rng } from "./_gen.ts";
import { assertViewerServed, DESKTOP_INPUT_CALLS, fakeSession } from "./_ports.ts";
import { memorySocket } from "../fixtures/viewer_ports.ts";
import type { FuzzReport } from "./_run.ts";
import type { FuzzSetup } from "./_shards.ts";

/** The parent's side of one worker whose stdout the test writes: frames arrive through the real reader. */
interface PipedWorker {
  /**
   * Sends `texts` as the browser's data channel messages; resolves once the parent has dispatched them, with
   * false when the worker had already been stopped (its viewer replaced or ended the peer).
   */
  data(texts: string[], rng: Rng): Promise<boolean>;
  /** Ends the worker (its stdout closes). */
  end(): Promise<void>;
}

function pipedWorker(): { spawn: SpawnWorker; worker: Promise<PipedWorker> } {
  let made!: (worker: PipedWorker) => void;
  const worker = new Promise<PipedWorker>((resolve) => made = resolve);
  const spawn: SpawnWorker = (_config, handlers) => {
    const pipe = new TransformStream<Uint8Array, Uint8Array>();
    const writer = pipe.writable.getWriter();
    let dispatched: (() => void) | undefined, closed = false;
    const reading = (async () => {
      for await (const frame of readIpc(pipe.readable)) {
        if (frame.type === "control") handlers.onControl?.(frame.message as FromWorker);
        dispatched?.();
      }
    })();
    const exited = reading.then(() => ({ success: true, code: 0, signal: null }));
    made({
      async data(texts, rng) {
        if (closed) return false;
        const frames = texts.map((text) => encodeIpc({ type: "control", message: { t: "data", text } }));
        const bytes = new Uint8Array(frames.reduce((sum, f) => sum + f.byteLength, 0));
        frames.reduce((at, f) => (bytes.set(f, at), at + f.byteLength), 0);
        let left = texts.length;
        const done = new Promise<void>((resolve) => dispatched = () => --left === 0 && resolve());
        // The pipe delivers what it likes: the reader must join frames across cuts and split joined ones.
        // A `webrtc` message among them makes the viewer stop this worker midway: then the rest is lost.
        try {
          for (let at = 0; at < bytes.byteLength;) {
            const cut = Math.min(bytes.byteLength, at + 1 + rng.length(bytes.byteLength));
            await writer.write(bytes.slice(at, cut));
            at = cut;
          }
        } catch (error) {
          if (!closed) throw error;
        }
        await Promise.race([done, exited]);
        return true;
      },
      end: () => stop(),
    });
    const stop = async () => {
      closed = true;
      await writer.close().catch(() => {});
      await exited;
    };
    return { send: () => {}, stop, kill: () => void stop(), exited, pid: 0 } as unknown as WorkerProcess;
  };
  return { spawn, worker };
}

/** A session whose WebRTC peers are real `startPeer`s over piped workers (the latest one last). */
function sessionWithPeers() {
  const workers: PipedWorker[] = [];
  const createPeer: MediaPort["createPeer"] = (options) => {
    const { spawn, worker } = pipedWorker();
    worker.then((w) => workers.push(w));
    return Promise.resolve(
      startPeer(spawn, { pipeline: {} } as WorkerConfig, options, { connectMs: 600_000 }),
    );
  };
  return { session: fakeSession(createPeer), workers };
}

/**
 * The target: an owner's and a view-only viewer's peers over piped workers, hostile texts in groups of 8.
 *
 * @example
 * ```ts
 * import { dataChannelTarget } from "./_datachannel_target.ts";
 * import { runFuzz } from "./_run.ts";
 * const { target, check, dispose } = await dataChannelTarget();
 * try { check(await runFuzz(target)); } finally { await dispose(); }
 * ```
 */
export async function dataChannelTarget(): Promise<
  FuzzSetup<string[]> & { check(report: FuzzReport): void; dispose(): Promise<void> }
> {
  const control = sessionWithPeers(), watched = sessionWithPeers();
  let viewers: { viewer: Viewer; hangUp: () => void }[] = [];
  let delivered = 0;
  const join = async () => {
    viewers = [];
    for (const s of [control, watched]) {
      const { socket, receive } = memorySocket();
      const viewer = attachViewer(socket, { viewOnly: s === watched, remote: "fuzz" }, s.session.context);
      receive('{"t":"webrtc"}');
      await waitUntil(() => s.workers.length > 0);
      viewers.push({ viewer, hangUp: () => socket.close() });
    }
  };
  const leave = async () => {
    for (const v of viewers) {
      v.hangUp();
      await v.viewer.closed;
    }
    for (const s of [control, watched]) for (const w of s.workers.splice(0)) await w.end();
  };
  // A `webrtc` message on the channel makes the viewer replace its peer: the newest worker is the live one.
  const send = async (s: typeof control, texts: string[], index: number) => {
    if (await s.workers.at(-1)?.data(texts, rngOf(index))) delivered += texts.length;
  };
  await join();
  return {
    target: {
      name: "data channel messages",
      // Messages go in groups of 8, as a busy channel fills the pipe: 12 500 groups are 100 000 messages.
      count: 12_500,
      perInput: 8,
      make: (rng) => Array.from({ length: 8 }, () => hostileClientText(rng)),
      async run(texts: string[], index: number) {
        // Every message through the owner's peer, a quarter through the view-only viewer's too.
        await send(control, texts, index);
        if (index % 4 === 0) await send(watched, texts, index);
      },
      async afterBatch() {
        await waitUntil(() => control.workers.length > 0);
        const keys = control.session.calls.get("keyDown") ?? 0;
        // A `webrtc` last in the batch ends the newest worker before its successor exists: retry until a live
        // peer takes the key press (which random batches end so depends on the schema's message types).
        for (let tries = 0; !(await control.workers.at(-1)?.data(['{"t":"kd","k":97}'], rngOf(0))); tries++) {
          if (tries > 1000) throw new Error("no live peer took the key press");
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        assert.equal(control.session.calls.get("keyDown"), keys + 1, "a valid key press still gets through");
        await leave();
        await assertViewerServed(control.session);
        await join();
      },
    },
    check(report) {
      console.log(`data channel: ${delivered} messages sent to a live peer`);
      assert.ok(delivered > report.inputs * 0.9, "most messages reached a live peer");
      const touched = DESKTOP_INPUT_CALLS.filter((name) => watched.session.calls.has(name));
      assert.deepEqual(touched, [], "a view-only viewer's data channel changed nothing on the desktop");
      assert.ok(
        (control.session.calls.get("moveTo") ?? 0) > report.inputs / 1000,
        "valid input over the channel reaches the desktop",
      );
    },
    dispose: leave,
  };
}

// The cut points only need variety, not the fuzzer's seed: a cheap generator keyed by the input's index.
function rngOf(index: number): Rng {
  let x = (index * 2654435761) >>> 0 || 1;
  const float = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  return { length: (max: number) => Math.floor(float() ** 3 * (max + 1)) } as Rng;
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 1000) throw new Error("the viewer never asked for a peer");
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
