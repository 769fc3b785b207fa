// Fuzzing the browser socket in-process (issue 14, target 1): text control messages through
// protocol.ts's parseClientMessage and the streamer's viewer logic (streamer/session/viewer.ts, with an
// in-memory session: pure logic at full speed), binary frames through every decoder. The real server over a
// real WebSocket is stream_e2e_fuzz_test.ts.
import assert from "node:assert/strict";
import { CLIENT_MESSAGE_CATEGORIES, decodeMediaFrame, parseClientMessage } from "../../protocol/protocol.ts";
import { decodeScreenUpdate, ScreenUpdateError } from "../../protocol/screen_update.ts";
import { decodeTransferChunk, nameProblem, splitRelativePath } from "../../protocol/transfer.ts";
import { attachViewer, type Viewer } from "../../streamer/session/viewer.ts";
import { oddString } from "./_gen.ts";
import { hostileFrame, validScreenUpdate } from "./_frames.ts";
import { clientCorpus as corpus, hostileClientText as hostileText } from "./_client_text.ts";
import { assertViewerServed, DESKTOP_INPUT_CALLS, fakeSession } from "./_ports.ts";
import { type MemorySocket, memorySocket } from "../fixtures/viewer_ports.ts";
import { assertClean, runFuzz } from "./_run.ts";

Deno.test("fuzz: parseClientMessage takes 100 000 hostile texts, accepts every valid one, throws never", async () => {
  assertClean(
    await runFuzz({
      name: "parseClientMessage",
      count: 100_000,
      make: (rng) =>
        rng.chance(0.2) ? { text: JSON.stringify(corpus.valid(rng)), valid: true } : {
          text: hostileText(rng),
          valid: false,
        },
      run({ text, valid }) {
        const message = parseClientMessage(text);
        if (valid) assert.ok(message, "a message built from the schema is accepted");
        if (message) assert.ok(Object.hasOwn(CLIENT_MESSAGE_CATEGORIES, message.t), "only known types pass");
      },
    }),
  );
});

Deno.test("fuzz: the binary decoders take 100 000 damaged frames and throw only their documented error", async () => {
  assertClean(
    await runFuzz({
      name: "binary frame decoders",
      count: 100_000,
      make: (rng) => {
        const screen = validScreenUpdate(rng);
        return rng.chance(0.1) ? { bytes: screen.bytes, screen, valid: true } : {
          bytes: hostileFrame(rng),
          screen,
          valid: false,
        };
      },
      run({ bytes, screen, valid }) {
        const media = decodeMediaFrame(bytes);
        if (media) assert.ok(media.payload.byteLength === bytes.byteLength - 12);
        decodeTransferChunk(bytes);
        try {
          const ops = decodeScreenUpdate(bytes, screen);
          if (valid) assert.equal(ops[0].op, "size");
        } catch (error) {
          if (!(error instanceof ScreenUpdateError) || valid) throw error;
        }
      },
    }),
  );
});

Deno.test("fuzz: the transfer name and path rules take 100 000 odd strings", async () => {
  assertClean(
    await runFuzz({
      name: "transfer names and paths",
      count: 100_000,
      make: (rng) => oddString(rng) + (rng.chance(0.3) ? `/${oddString(rng)}` : ""),
      run(text) {
        const problem = nameProblem(text);
        assert.ok(problem === undefined || typeof problem === "string");
        const parts = splitRelativePath(text);
        if (Array.isArray(parts)) {
          for (const part of parts) assert.ok(part !== ".." && part !== "." && !part.includes("/"), part);
        }
      },
    }),
  );
});

Deno.test("fuzz: a viewer takes 100 000 hostile messages; view-only ones never reach the desktop; others are still served", async () => {
  const session = fakeSession();
  const watched = fakeSession(); // a view-only viewer's session: nothing may reach its desktop or encoder
  let hostile: { socket: MemorySocket; viewer: Viewer }[] = [];
  const join = () => {
    hostile = [session, watched].map((s) => {
      const socket = memorySocket();
      return {
        socket,
        viewer: attachViewer(socket.socket, { viewOnly: s === watched, remote: "fuzz" }, s.context),
      };
    });
  };
  const leave = async () => {
    for (const { socket, viewer } of hostile) {
      socket.socket.close();
      await viewer.closed;
    }
  };
  join();
  const report = await runFuzz({
    name: "viewer messages",
    count: 100_000,
    make: (rng) => rng.chance(0.15) ? hostileFrame(rng) : hostileText(rng),
    run(data, index) {
      hostile[0].socket.receive(data);
      // A quarter of them to the view-only viewer too: what it may not do is the same for every message.
      if (index % 4 === 0) hostile[1].socket.receive(data);
    },
    async afterBatch() {
      await leave();
      assert.equal(session.subscribers(), 0, "hostile viewers leave no subscription");
      await assertViewerServed(session);
      join();
    },
  });
  await leave();
  assertClean(report);
  const touched = [...DESKTOP_INPUT_CALLS, "resized"].filter((name) => watched.calls.has(name));
  assert.deepEqual(touched, [], "a view-only viewer changed nothing on the desktop");
  assert.ok(
    (session.calls.get("keyDown") ?? 0) > report.inputs / 1000,
    "hostile input that is valid does reach the desktop",
  );
});
