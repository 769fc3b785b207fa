/**
 * The GPU-node bundle's plugin list (scripts/gpu/plugins.txt) against every pipeline the media code can emit:
 * each element's plugin (asked of `gst-inspect-1.0`, or the table below for hardware encoders not installed
 * here) must be carried or left out with a reason. The bundle once lacked `videorate` and every session on
 * the GPU node failed.
 */
import assert from "node:assert/strict";
import { pipelineDescription, type PipelineOptions } from "../../streamer/media/pipeline.ts";
import type { EncoderName } from "../../streamer/media/probe.ts";

const LIST = new URL("./plugins.txt", import.meta.url);

/** Elements of hardware encoders, usually not installed where the tests run: their plugins, checked when present. */
const HARDWARE: Record<string, string> = { nvh264enc: "nvcodec", vah264enc: "va", vaapih264enc: "vaapi" };

/** The encoder probe's test pipeline (streamer/media/probe.ts tryElement) besides the encoder itself. */
const PROBE_ELEMENTS = ["videotestsrc", "videoconvert", "fakesink"];

/** Every encoder with each element it may use (vah264 is vah264enc or the older vaapih264enc). */
const ENCODER_ELEMENTS: [EncoderName, string][] = [
  ["x264", "x264enc"],
  ["nvh264", "nvh264enc"],
  ["vah264", "vah264enc"],
  ["vah264", "vaapih264enc"],
  ["openh264", "openh264enc"],
  ["vp8", "vp8enc"],
];

/**
 * Every pipeline description the media worker can build: each encoder, both transports (the WebSocket's
 * appsink, also the hybrid encoding's video pipeline with its region crop, and WebRTC), audio on and off,
 * periodic keyframes or not.
 */
function everyPipeline(): string[] {
  const out: string[] = [];
  for (const [encoder, element] of ENCODER_ELEMENTS) {
    for (const mode of ["appsink", "webrtc"] as const) {
      for (const audio of [undefined, { pulseServer: "unix:/tmp/pulse/native" }]) {
        for (const [keyframeSeconds, crop] of [[undefined, false], [2, false], [undefined, true]] as const) {
          const o: PipelineOptions = {
            display: ":1",
            width: 1920,
            height: 1080,
            fps: 60,
            encoder,
            element,
            bitrateKbps: 8000,
            mode,
            audio,
            keyframeSeconds,
            cudaDevice: encoder === "nvh264" ? 0 : undefined,
            crop: crop && mode === "appsink",
          };
          out.push(pipelineDescription(o));
        }
      }
    }
  }
  return out;
}

/** The element names of a gst-launch description: not properties (`k=v`), caps (`a/b,...`), `!` or pad refs. */
function elementsOf(description: string): string[] {
  return description.split(/\s+/).filter((t) =>
    t && t !== "!" && !t.includes("=") && !/^[a-z]+\/[a-z0-9-]+/i.test(t) && !t.endsWith(".")
  );
}

async function pluginOf(element: string): Promise<string | null> {
  const out = await new Deno.Command("gst-inspect-1.0", { args: [element], stdout: "piped", stderr: "null" })
    .output();
  if (!out.success) return null;
  return new TextDecoder().decode(out.stdout).match(/Plugin Details:\n\s+Name\s+(\S+)/)?.[1] ?? null;
}

async function readList(): Promise<{ carried: Set<string>; omitted: Map<string, string> }> {
  const carried = new Set<string>();
  const omitted = new Map<string, string>();
  for (const raw of (await Deno.readTextFile(LIST)).split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = line.match(/^-(\S+?):\s*(.+)$/);
    if (m) omitted.set(m[1], m[2]);
    else if (line.startsWith("-")) assert.fail(`plugins.txt: "${line}" leaves a plugin out without a reason`);
    else carried.add(line);
  }
  return { carried, omitted };
}

Deno.test("elementsOf reads the elements of a gst-launch description", () => {
  assert.deepEqual(
    elementsOf(
      `webrtcbin name=webrtc ximagesrc name=capture ! video/x-raw,format=I420 ! capsfilter caps="a/b" ! webrtc.`,
    ),
    ["webrtcbin", "ximagesrc", "capsfilter"],
  );
});

Deno.test("every element the media code can emit has its plugin in the GPU bundle, or left out with a reason", async () => {
  const { carried, omitted } = await readList();
  const elements = new Set([...everyPipeline().flatMap(elementsOf), ...PROBE_ELEMENTS]);
  // A parse that found nothing would pass anything: the pipelines' known elements are all there.
  for (
    const e of [
      "ximagesrc",
      "valve",
      "videoconvert",
      "x264enc",
      "h264parse",
      "appsink",
      "webrtcbin",
      "opusenc",
    ]
  ) {
    assert.ok(elements.has(e), `${e} among the emitted elements`);
  }
  const problems: string[] = [];
  for (const element of [...elements].sort()) {
    const inspected = await pluginOf(element);
    if (inspected && HARDWARE[element]) {
      assert.equal(inspected, HARDWARE[element], `the table's plugin of ${element}`);
    }
    const plugin = inspected ?? HARDWARE[element];
    if (!plugin) {
      problems.push(
        `${element}: gst-inspect-1.0 does not know it (install its plugin, or add it to HARDWARE)`,
      );
    } else if (!carried.has(plugin) && !omitted.has(plugin)) {
      problems.push(
        `${element} needs plugin ${plugin}: add it to scripts/gpu/plugins.txt (or "-${plugin}: why")`,
      );
    }
  }
  assert.deepEqual(problems, []);
  // Nothing carried for no reason: each carried plugin serves an emitted element (or the encoder probe).
  const used = new Set(await Promise.all([...elements].map(async (e) => (await pluginOf(e)) ?? HARDWARE[e])));
  assert.deepEqual([...carried].filter((p) => !used.has(p)), []);
});

Deno.test("videorate, which the pipeline no longer uses, would be caught: its plugin is on neither list", async () => {
  const { carried, omitted } = await readList();
  const plugin = await pluginOf("videorate");
  assert.equal(plugin, "videorate");
  assert.ok(!carried.has(plugin!) && !omitted.has(plugin!));
});
