import assert from "node:assert/strict";
import { parseElementLatency, stageOf, StageTrace } from "./stage_trace.ts";

const line = (element: string, ns: number) =>
  `0:00:01.1 1 0x1 TRACE GST_TRACER :0:: element-latency, element-id=(string)0x2, element=(string)${element}, ` +
  `src=(string)src, time=(guint64)${ns}, ts=(guint64)1;`;
const pipelineLine = (ns: number) =>
  `0:00:01.2 1 0x1 TRACE GST_TRACER :0:: latency, src-element-id=(string)0x1, src-element=(string)capture, ` +
  `src=(string)src, sink-element-id=(string)0x3, sink-element=(string)nicesink0, sink=(string)sink, ` +
  `time=(guint64)${ns}, ts=(guint64)1;`;

Deno.test("element records are grouped by element, in ms; other lines are skipped", () => {
  const parsed = parseElementLatency(
    [line("enc", 2_000_000), "noise", line("enc", 4_000_000), line("queue0", 500_000)].join("\n"),
  );
  assert.deepEqual(Object.fromEntries(parsed), { enc: [2, 4], queue0: [0.5] });
});

Deno.test("our pipeline's elements map to their stages, the rest is webrtcbin", () => {
  assert.deepEqual(
    [
      "gate",
      "videoscale0",
      "videoconvert0",
      "size",
      "queue0",
      "enc",
      "h264parse0",
      "rtph264pay0",
      "capsfilter1",
      "rtpsession0",
      "srtpenc0",
    ].map(stageOf),
    [
      "convert",
      "convert",
      "convert",
      "convert",
      "queue",
      "encode",
      "payload",
      "payload",
      "payload",
      "webrtcbin",
      "webrtcbin",
    ],
  );
});

Deno.test("a window only sees what was logged after its mark", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const log = `${dir}/gst-1.log`;
    await Deno.writeTextFile(log, [line("enc", 9_000_000), pipelineLine(30_000_000)].join("\n") + "\n");
    const trace = new StageTrace(dir);
    await trace.mark();
    await Deno.writeTextFile(
      log,
      [line("enc", 3_000_000), line("videoconvert0", 2_000_000), pipelineLine(10_000_000)].join("\n") + "\n",
      { append: true },
    );
    const times = await trace.times();
    assert.equal(times.elements.enc.p50, 3);
    assert.deepEqual(times.stages, { convert: 2, queue: 0, encode: 3, payload: 0, webrtcbin: 0 });
    assert.equal(times.pipeline.p50, 10);
    assert.deepEqual(await trace.read(), [10]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
