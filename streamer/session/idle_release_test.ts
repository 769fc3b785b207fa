import assert from "node:assert/strict";
import { type IdleClock, idleEndMessage, IdleRelease, idleWarning, watchInput } from "./idle_release.ts";
import type { DesktopPort } from "./ports.ts";

/** A clock that moves only when told, running due timers in order. */
class FakeClock implements IdleClock {
  time = 0;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #next = 1;
  now = () => this.time;
  setTimeout = (fn: () => void, ms: number) => {
    this.#timers.set(this.#next, { at: this.time + ms, fn });
    return this.#next++;
  };
  clearTimeout = (id: unknown) => void this.#timers.delete(id as number);
  get pending(): number {
    return this.#timers.size;
  }
  advance(ms: number): void {
    const until = this.time + ms;
    while (true) {
      const due = [...this.#timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = until;
  }
}

const MIN = 60_000;

function setup(watchingKeeps = true) {
  const clock = new FakeClock();
  const events: string[] = [];
  const idle = new IdleRelease({
    limitMs: 60 * MIN,
    warnMs: 5 * MIN,
    watchingKeeps,
    clock,
    onWarn: (left) => events.push(`warn ${left / MIN}`),
    onResume: () => events.push("resume"),
    onRelease: () => events.push("release"),
  });
  return { clock, events, idle };
}

Deno.test("a session nobody opens is warned at 55 min and released at 60", () => {
  const { clock, events } = setup();
  clock.advance(54 * MIN);
  assert.deepEqual(events, []);
  clock.advance(1 * MIN);
  assert.deepEqual(events, ["warn 5"]);
  clock.advance(5 * MIN - 1);
  assert.deepEqual(events, ["warn 5"]);
  clock.advance(1);
  assert.deepEqual(events, ["warn 5", "release"]);
  assert.equal(clock.pending, 0, "nothing left scheduled");
  clock.advance(120 * MIN);
  assert.deepEqual(events, ["warn 5", "release"], "released once");
});

Deno.test("a connected viewer keeps the session however long it only watches", () => {
  const { clock, events, idle } = setup();
  clock.advance(10 * MIN);
  idle.viewerJoined();
  clock.advance(24 * 60 * MIN);
  assert.deepEqual(events, []);
  assert.equal(clock.pending, 0, "no timer runs while kept");
  idle.viewerLeft();
  clock.advance(55 * MIN);
  assert.deepEqual(events, ["warn 5"], "idle time counts from the viewer's leaving");
});

Deno.test("a viewer coming back during the warning calls it off, and leaving starts the count again", () => {
  const { clock, events, idle } = setup();
  clock.advance(57 * MIN);
  assert.deepEqual(events, ["warn 5"]);
  idle.viewerJoined();
  assert.deepEqual(events, ["warn 5", "resume"]);
  assert.equal(idle.warned, false);
  clock.advance(10 * MIN);
  idle.viewerLeft();
  clock.advance(59 * MIN);
  assert.deepEqual(events, ["warn 5", "resume", "warn 5"]);
  clock.advance(1 * MIN);
  assert.deepEqual(events, ["warn 5", "resume", "warn 5", "release"]);
});

Deno.test("two viewers: the session is kept until the last one leaves", () => {
  const { clock, events, idle } = setup();
  idle.viewerJoined();
  idle.viewerJoined();
  idle.viewerLeft();
  clock.advance(120 * MIN);
  assert.deepEqual(events, []);
  idle.viewerLeft();
  idle.viewerLeft(); // a stray extra leave does not go below zero
  clock.advance(60 * MIN);
  assert.deepEqual(events, ["warn 5", "release"]);
});

Deno.test("when watching does not count, a connected viewer without input is released, with a warning", () => {
  const { clock, events, idle } = setup(false);
  idle.viewerJoined();
  clock.advance(30 * MIN);
  idle.input(); // the count starts again from here
  clock.advance(55 * MIN);
  assert.deepEqual(events, ["warn 5"]);
  idle.input();
  assert.deepEqual(events, ["warn 5", "resume"]);
  for (let i = 0; i < 1000; i++) idle.input(); // a burst of pointer moves arms no extra timers
  assert.ok(clock.pending <= 1);
  clock.advance(60 * MIN);
  assert.deepEqual(events, ["warn 5", "resume", "warn 5", "release"]);
});

Deno.test("close stops everything", () => {
  const { clock, events, idle } = setup();
  idle.close();
  clock.advance(120 * MIN);
  idle.input();
  idle.viewerLeft();
  clock.advance(120 * MIN);
  assert.deepEqual(events, []);
  assert.equal(clock.pending, 0);
});

Deno.test("watchInput reports input and passes it on; releasing keys is not input", async () => {
  const calls: string[] = [];
  const desktop: DesktopPort = {
    keyDown: (k) => void calls.push(`kd ${k}`),
    keyUp: (k) => void calls.push(`ku ${k}`),
    typeText: (text) => void calls.push(`text ${text}`),
    releaseAll: () => void calls.push("release"),
    moveTo: (x, y) => void calls.push(`ma ${x},${y}`),
    moveBy: (x, y) => void calls.push(`mr ${x},${y}`),
    button: (b, d) => void calls.push(`mb ${b} ${d}`),
    wheel: (x, y) => void calls.push(`mw ${x},${y}`),
    setClipboard: (text) => void calls.push(`clip ${text}`),
    resize: (width, height) => Promise.resolve({ width, height }),
  };
  let inputs = 0;
  const watched = watchInput(desktop, () => inputs++);
  watched.keyDown(97);
  watched.keyUp(97);
  watched.typeText("日本");
  watched.moveTo(1, 2);
  watched.moveBy(3, 4);
  watched.button(1, true);
  watched.wheel(0, 1);
  await watched.setClipboard("x");
  assert.deepEqual(await watched.resize(800, 600), { width: 800, height: 600 });
  assert.equal(inputs, 9);
  watched.releaseAll();
  assert.equal(inputs, 9);
  assert.deepEqual(calls, [
    "kd 97",
    "ku 97",
    "text 日本",
    "ma 1,2",
    "mr 3,4",
    "mb 1 true",
    "mw 0,1",
    "clip x",
    "release",
  ]);
});

Deno.test("the end message and the warning say what happened and what to do", () => {
  const end = idleEndMessage({ limitMs: 60 * MIN, warnMs: 5 * MIN, watchingKeeps: true });
  assert.equal(end.reason, "idle");
  assert.match(end.message, /Nobody used this session for 60 min/);
  assert.match(idleWarning(5 * MIN), /ends in 5 min/);
  assert.match(idleWarning(6_000), /ends in 6 s/);
});
