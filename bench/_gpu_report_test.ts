import assert from "node:assert/strict";
import {
  breakdown,
  carriedText,
  type CaseResult,
  noneCarried,
  rows,
  summarize,
  tally,
  verdict,
} from "./_gpu_report.ts";
import { markdownTable, textTable } from "./table.ts";

const result: CaseResult = {
  name: "gl-1080p60",
  content: "gl",
  width: 1920,
  height: 1080,
  fps: 60,
  encoding: "video",
  encoder: "x264enc",
  codec: "avc1.42e02a",
  readyMs: 1200,
  firstFrameMs: 40,
  deliveredFps: 59.5,
  minFps: 58,
  kbps: 7000,
  serverCpu: 80,
  appCpu: 30,
  cpuBreakdown: { "worker.ts/queue0:src": 50 },
  glFps: 60,
  glRenderer: "NVIDIA H100",
  glMs: { render: 0.2, readback: 1.5, put: 2 },
  glOnGpu: true,
  carried: null,
};

Deno.test("summarize gives mean and worst fps and kbit/s of one-second buckets", () => {
  const s = summarize([
    { frames: 60, bytes: 250_000, keyframes: 1 },
    { frames: 50, bytes: 0, keyframes: 0 },
  ]);
  assert.deepEqual(s, { fps: 55, minFps: 50, kbps: 1000 });
  assert.deepEqual(summarize([]), { fps: 0, minFps: 0, kbps: 0 });
});

Deno.test("breakdown keeps the threads that used at least 1% of a core, largest first", () => {
  const before = new Map([["worker.ts/queue0:src", 100], ["Xvfb/Xvfb", 10]]);
  const after = new Map([["worker.ts/queue0:src", 150], ["Xvfb/Xvfb", 10.5], ["cli.ts/deno", 70]]);
  const b = breakdown(before, after, (ticks) => ticks);
  assert.deepEqual(Object.entries(b), [["cli.ts/deno", 70], ["worker.ts/queue0:src", 50]]);
});

Deno.test("verdict checks delivered fps (not on an idle screen) and the one-core budget at 1080p60 only", () => {
  assert.equal(verdict(result), "pass");
  assert.equal(verdict({ ...result, deliveredFps: 50 }), "FAIL: 50.0 of 60 fps");
  assert.equal(verdict({ ...result, serverCpu: 140 }), "FAIL: server CPU 140% > 100%");
  assert.equal(
    verdict({ ...result, width: 3840, height: 2160, fps: 30, deliveredFps: 30, serverCpu: 300 }),
    "pass",
  );
  // Idle screens send frames only when they change.
  assert.equal(verdict({ ...result, content: "idle", deliveredFps: 0, serverCpu: 14 }), "pass");
});

Deno.test("tables carry one row per case with every column", () => {
  const md = markdownTable(rows([result, {
    ...result,
    name: "idle-1080p60",
    content: "idle",
    glFps: null,
    glMs: null,
  }]));
  const lines = md.split("\n");
  assert.equal(lines.length, 4);
  assert.match(
    lines[2],
    /^\| gl-1080p60 \| x264enc \| 59\.5 \(58\) \| 7000 \| 80% \| 60\.0 \| 30% \| 0\.2\/1\.5\/2\.0 /,
  );
  assert.match(lines[3], /^\| idle-1080p60 \| .* \| - \| - \| - \|/);
  const text = textTable(rows([result])).split("\n");
  assert.equal(text.length, 2);
  assert.equal(text[0].indexOf("encoder"), text[1].indexOf("x264enc"));
});

Deno.test("tally counts video and tile updates, their bytes and operations; carriedText says it in a line", () => {
  const carried = noneCarried();
  const data = new Uint8Array(100);
  tally(carried, [
    { op: "size", width: 64, height: 64 },
    { op: "fill", x: 0, y: 0, w: 64, h: 64, rgb: [0, 0, 0] },
    { op: "image", format: "webp", lossless: true, x: 0, y: 0, w: 8, h: 8, data },
    { op: "image", format: "jpeg", lossless: false, x: 0, y: 0, w: 8, h: 8, data },
    { op: "copy", sx: 0, sy: 8, w: 64, h: 56, dx: 0, dy: 0 },
  ]);
  tally(carried, [{ op: "video", key: false, x: 0, y: 0, w: 64, h: 64, data: new Uint8Array(600) }]);
  tally(carried, null);
  assert.deepEqual(carried, {
    videoUpdates: 1,
    tileUpdates: 1,
    videoBytes: 600,
    imageBytes: 200,
    lossless: 1,
    lossy: 1,
    fills: 1,
    copies: 1,
    malformed: 1,
    videoSizes: { "64x64": 1 },
  });
  assert.equal(
    carriedText(carried),
    "1 video + 1 tile upd. (1 WebP, 1 JPEG, 1 fill, 1 copy); 75% of bytes video; 1 malformed; video 64x64 (1 of 1)",
  );
  const row = rows([{ ...result, name: "gl-1080p60-hybrid", encoding: "hybrid", carried }])[1];
  assert.match(row.at(-1)!, /^1 video \+ 1 tile upd\./);
  assert.equal(rows([result])[1].at(-1), "-");
});
