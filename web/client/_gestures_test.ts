import assert from "node:assert/strict";
import { type Gesture, GestureRecognizer, type TouchPoint } from "./_gestures.ts";

const at = (id: number, x: number, y: number): TouchPoint => ({ id, x, y });
const down = (button: 1 | 3): Gesture => ({ kind: "press", button, down: true });
const up = (button: 1 | 3): Gesture => ({ kind: "press", button, down: false });

Deno.test("a quick still touch is a left click where the finger was", () => {
  const g = new GestureRecognizer();
  assert.deepEqual(g.update(0, [at(1, 100, 200)]), []);
  assert.deepEqual(g.update(30, [at(1, 104, 203)]), [], "wobble within the slop is still a tap");
  assert.deepEqual(g.update(90, []), [{ kind: "point", x: 100, y: 200 }, down(1), up(1)]);
  assert.equal(g.deadline, undefined);
});

Deno.test("a still finger held past the long-press time right-clicks once, then nothing until it lifts", () => {
  const g = new GestureRecognizer({ longPressMs: 500 });
  g.update(1000, [at(1, 10, 20)]);
  assert.equal(g.deadline, 1500);
  assert.deepEqual(g.tick(1499), [], "not yet");
  assert.deepEqual(g.tick(1500), [{ kind: "point", x: 10, y: 20 }, down(3), up(3)]);
  assert.deepEqual(g.update(1600, [at(1, 80, 90)]), [], "moving after a long press does not drag");
  assert.deepEqual(g.update(1700, []), []);
  assert.deepEqual(g.update(2000, [at(2, 5, 5)]), [], "the next touch starts afresh");
  assert.deepEqual(g.update(2050, []), [{ kind: "point", x: 5, y: 5 }, down(1), up(1)]);
});

Deno.test("a lift after the long-press time is a right click even when the clock did not fire", () => {
  const g = new GestureRecognizer({ longPressMs: 500 });
  g.update(0, [at(1, 10, 20)]);
  assert.deepEqual(g.update(700, []), [{ kind: "point", x: 10, y: 20 }, down(3), up(3)]);
});

Deno.test("direct mode: a moving finger drags with the left button from where it started", () => {
  const g = new GestureRecognizer();
  g.update(0, [at(1, 100, 100)]);
  assert.deepEqual(g.update(16, [at(1, 130, 100)]), [
    { kind: "point", x: 100, y: 100 },
    down(1),
    { kind: "point", x: 130, y: 100 },
  ]);
  assert.equal(g.holding, true);
  assert.equal(g.deadline, undefined, "a drag never becomes a long press");
  assert.deepEqual(g.update(32, [at(1, 160, 120)]), [{ kind: "point", x: 160, y: 120 }]);
  assert.deepEqual(g.update(40, [at(1, 160, 120)]), [], "no motion, no message");
  assert.deepEqual(g.update(48, [at(1, 160, 120), at(2, 300, 300)]), [], "a second finger does not end it");
  assert.deepEqual(g.update(56, [at(2, 300, 300)]), [up(1)], "lifting the dragging finger releases");
  assert.deepEqual(g.update(60, [at(2, 320, 300)]), [], "the finger left behind does nothing");
  g.update(70, []);
  assert.equal(g.holding, false);
});

Deno.test("trackpad mode: one finger nudges the pointer; tap and long press click where the pointer is", () => {
  const g = new GestureRecognizer({ mode: "trackpad" });
  g.update(0, [at(1, 100, 100)]);
  assert.deepEqual(g.update(16, [at(1, 120, 95)]), [{ kind: "nudge", dx: 20, dy: -5 }]);
  assert.deepEqual(g.update(32, [at(1, 125, 95)]), [{ kind: "nudge", dx: 5, dy: 0 }]);
  assert.equal(g.holding, false, "no button is held");
  assert.deepEqual(g.update(40, []), []);
  g.update(100, [at(2, 50, 50)]);
  assert.deepEqual(g.update(150, []), [down(1), up(1)]);
  g.update(200, [at(3, 50, 50)]);
  assert.deepEqual(g.tick(700), [down(3), up(3)]);
});

Deno.test("trackpad mode: tap, then a finger back within 300 ms that moves, drags with the left button", () => {
  const g = new GestureRecognizer({ mode: "trackpad" });
  g.update(0, [at(1, 100, 100)]);
  assert.deepEqual(g.update(80, []), [down(1), up(1)], "the tap clicks at once");
  g.update(300, [at(2, 100, 100)]);
  assert.deepEqual(g.update(320, [at(2, 130, 100)]), [down(1), { kind: "nudge", dx: 30, dy: 0 }]);
  assert.equal(g.holding, true);
  assert.deepEqual(g.update(340, [at(2, 140, 110)]), [{ kind: "nudge", dx: 10, dy: 10 }]);
  assert.deepEqual(g.update(360, []), [up(1)]);
  // Later than 300 ms after a tap, a moving finger only moves the pointer.
  g.update(1000, [at(3, 0, 0)]);
  g.update(1050, []);
  g.update(1400, [at(4, 0, 0)]);
  assert.deepEqual(g.update(1420, [at(4, 30, 0)]), [{ kind: "nudge", dx: 30, dy: 0 }]);
  assert.equal(g.holding, false);
});

Deno.test("switching mode mid-drag still releases the button the drag pressed", () => {
  const g = new GestureRecognizer();
  g.update(0, [at(1, 0, 0)]);
  g.update(10, [at(1, 50, 0)]);
  g.mode = "trackpad";
  assert.deepEqual(g.update(20, [at(1, 60, 0)]), [{ kind: "point", x: 60, y: 0 }]);
  assert.deepEqual(g.update(30, []), [up(1)]);
  g.update(40, [at(2, 0, 0)]);
  assert.deepEqual(
    g.update(50, [at(2, 30, 0)]),
    [{ kind: "nudge", dx: 30, dy: 0 }],
    "the next one is trackpad",
  );
});

Deno.test("two fingers moving together scroll by their travel, after bringing the pointer under them", () => {
  const g = new GestureRecognizer();
  g.update(0, [at(1, 100, 300)]);
  assert.deepEqual(g.update(10, [at(1, 100, 300), at(2, 200, 300)]), []);
  assert.equal(g.deadline, undefined, "two fingers are no long press");
  assert.deepEqual(g.update(20, [at(1, 100, 295), at(2, 200, 295)]), [], "within the slop");
  // Fingers up by 40: the content follows them, so the view scrolls down by 40.
  assert.deepEqual(g.update(30, [at(1, 100, 260), at(2, 200, 260)]), [
    { kind: "point", x: 150, y: 300 },
    { kind: "scroll", dx: 0, dy: 40 },
  ]);
  assert.deepEqual(g.update(40, [at(1, 90, 270), at(2, 190, 270)]), [{ kind: "scroll", dx: 10, dy: -10 }]);
  assert.deepEqual(g.update(50, [at(2, 190, 270)]), [], "one finger lifted: over");
  assert.deepEqual(g.update(60, [at(2, 150, 200)]), [], "the remaining finger neither drags nor taps");
  assert.deepEqual(g.update(70, []), []);
});

Deno.test("two fingers spreading zoom about their midpoint and pan with it; never a click", () => {
  const g = new GestureRecognizer({ mode: "trackpad" });
  g.update(0, [at(1, 100, 100), at(2, 200, 100)]);
  // Distance 100 -> 200, midpoint (150,100) -> (160,110).
  assert.deepEqual(g.update(20, [at(1, 60, 110), at(2, 260, 110)]), [
    { kind: "zoom", factor: 2, x: 150, y: 100, panX: 10, panY: 10 },
  ]);
  // Once a zoom, moving together pans (factor 1) instead of scrolling.
  assert.deepEqual(g.update(40, [at(1, 50, 110), at(2, 250, 110)]), [
    { kind: "zoom", factor: 1, x: 160, y: 110, panX: -10, panY: 0 },
  ]);
  assert.deepEqual(g.update(60, []), []);
});

Deno.test("a second finger before the first moved makes a two-finger gesture, not a tap", () => {
  const g = new GestureRecognizer();
  g.update(0, [at(1, 100, 100)]);
  g.update(50, [at(1, 100, 100), at(2, 150, 150)]);
  assert.deepEqual(g.update(80, [at(2, 150, 150)]), []);
  assert.deepEqual(g.update(90, []), []);
  assert.deepEqual(g.tick(5000), [], "no late long press");
});

Deno.test("cancel releases a held button and forgets the gesture", () => {
  const g = new GestureRecognizer();
  g.update(0, [at(1, 0, 0)]);
  g.update(10, [at(1, 40, 0)]);
  assert.deepEqual(g.cancel(), [up(1)]);
  assert.deepEqual(g.cancel(), [], "nothing left to release");
  assert.deepEqual(g.update(20, []), []);
});
