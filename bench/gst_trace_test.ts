import assert from "node:assert/strict";
import { parseLatencyRecords, PipelineTrace } from "./gst_trace.ts";

const line = (src: string, sink: string, ns: number) =>
  `0:00:09.426731960 12048 0x7f8 TRACE GST_TRACER :0:: latency, src-element-id=(string)0x55, ` +
  `src-element=(string)${src}, src=(string)src, sink-element-id=(string)0x56, sink-element=(string)${sink}, ` +
  `sink=(string)sink, time=(guint64)${ns}, ts=(guint64)9426712643;`;

Deno.test("latency records are parsed from tracer lines; other log lines are skipped", () => {
  const text = [
    "0:00:00.007 1 0x1 DEBUG GST_TRACER gsttracer.c:159:register: latency",
    line("ximagesrc0", "video", 12_364_195),
  ]
    .join("\n");
  assert.deepEqual(parseLatencyRecords(text), [{ src: "ximagesrc0", sink: "video", ms: 12.364195 }]);
});

Deno.test("a trace window sees only video records logged after its mark, across worker logs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/gst-1.log`, line("ximagesrc0", "video", 5e6) + "\n");
    const trace = new PipelineTrace(dir);
    await trace.mark();
    await Deno.writeTextFile(`${dir}/gst-1.log`, line("ximagesrc0", "video", 7e6) + "\n", { append: true });
    await Deno.writeTextFile(
      `${dir}/gst-2.log`,
      line("ximagesrc0", "nicesink0", 9e6) + "\n" + line("pulsesrc0", "audio", 1e6),
    );
    await Deno.writeTextFile(`${dir}/other.log`, line("ximagesrc0", "video", 1e9));
    assert.deepEqual((await trace.read()).sort(), [7, 9]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
