/**
 * Media worker process: owns one capture + encode pipeline and talks to its parent over stdin/stdout
 * with IPC frames (see `_ipc.ts`). Spawned for a {@linkcode MediaSession} by `_worker_process.ts` as
 * `deno run -A --no-config streamer/media/worker.ts`, DISPLAY and XAUTHORITY in its environment, its
 * config in the first message (`{t:"start"}`); ends with `_exit` (`hardExit`).
 *
 * @module
 */
import { hardExit, Pipeline, pullSample, type Sample } from "../gst/mod.ts";
import { encodeIpc, type IpcFrame, readIpc } from "./_ipc.ts";
import type { FromWorker, ToWorker, WorkerConfig } from "./_protocol.ts";
import {
  bitrateProperty,
  CAPTURE_NAME,
  CROP_NAME,
  ENCODER_NAME,
  GATE_NAME,
  pipelineDescription,
  SIZE_NAME,
} from "./pipeline.ts";
import { WebRtcEndpoint } from "./_webrtc_worker.ts";
import { FrameGate, pulseMs } from "./_gate.ts";
import { startHybridLoop, type WrappedVideo } from "./_hybrid.ts";
import { VideoArea } from "./_video_area.ts";

const out = Deno.stdout.writable.getWriter();

function send(frame: IpcFrame): Promise<void> {
  return out.write(encodeIpc(frame));
}

function control(message: FromWorker): Promise<void> {
  return send({ type: "control", message });
}

async function fail(message: string): Promise<never> {
  await control({ t: "error", message }).catch(() => {});
  hardExit(1);
}

/** Turns an encoded video frame into what is sent, or `undefined` to drop it (hybrid encoding). */
type Wrap = (sample: Sample) => WrappedVideo | undefined;

async function pump(
  pipeline: Pipeline,
  sink: "video" | "audio",
  first?: () => void,
  wrap?: Wrap,
): Promise<void> {
  const appsink = pipeline.element(sink);
  for (;;) {
    const sample = await pullSample(appsink, 250);
    if (!sample) continue;
    first?.();
    first = undefined;
    const wrapped = wrap ? wrap(sample) : { payload: sample.data, key: sample.key };
    if (!wrapped) continue;
    // Awaiting the write is the back-pressure: a slow parent stalls this loop, the appsink fills, and the
    // capture thread waits (ximagesrc then skips the slots it missed: the next frame is a fresh grab).
    await send({
      type: sink,
      key: sink === "audio" || wrapped.key,
      timestampUs: captureUs(pipeline, sample),
      payload: wrapped.payload,
    });
  }
}

/**
 * When a sample was captured, in microseconds since the epoch: now, less how long ago the capture was on the
 * pipeline's clock (its running time now minus the buffer's: conversion, encoding, queues; ~5-15 ms).
 */
function captureUs(pipeline: Pipeline, sample: Sample): number {
  const nowUs = (performance.timeOrigin + performance.now()) * 1000;
  const running = pipeline.runningTimeNs();
  if (sample.runningNs === undefined || running === undefined) return Math.round(nowUs);
  return Math.round(nowUs - Math.max(0, Number(running - sample.runningNs) / 1000));
}

async function watchBus(pipeline: Pipeline): Promise<void> {
  for (;;) {
    const end = await pipeline.nextEnd(500);
    if (end?.type === "error") await fail(`${end.message} (${end.debug.split("\n")[0]})`);
    if (end?.type === "eos") await fail("the pipeline ended (end of stream)");
  }
}

async function run(config: WorkerConfig, commands: AsyncGenerator<IpcFrame>): Promise<void> {
  // Hybrid encoding: the loop sends screen updates, and runs the video pipeline only while much of the screen
  // moves (its frames then travel as `video` operations), cropped to the moving region when there is one.
  const hybrid = config.pipeline.mode === "appsink" && config.encoding === "hybrid";
  const description = pipelineDescription({ ...config.pipeline, crop: hybrid });
  let pipeline: Pipeline;
  try {
    pipeline = Pipeline.parse(description);
  } catch (error) {
    return await fail((error as Error).message);
  }
  const valve = pipeline.element(GATE_NAME);
  const gate = new FrameGate({
    set: (open) => valve.set("drop", !open),
    // A paused live source stops grabbing the screen (~8% of a core at 1080p60 in Xvfb alone).
    // Not under webrtcbin: its RTP timing took ~350 ms to recover from each pause (measured).
    capture: config.pipeline.mode === "appsink"
      ? (running) => pipeline.setElementState(CAPTURE_NAME, running ? "playing" : "paused").catch(() => {})
      : undefined,
    pulseMs: pulseMs(config.pipeline.fps),
  });
  const keyframe = () => {
    pipeline.forceKeyUnit(ENCODER_NAME);
    gate.pulse(); // an idle gate would hold the keyframe back until the screen changes
  };
  const connected = () => {
    keyframe();
    gate.release();
  };
  // The size caps carry both: a resize keeps the frame rate, a frame rate change keeps the size.
  const picture = { width: config.pipeline.width, height: config.pipeline.height, fps: config.pipeline.fps };
  // What part of the screen is encoded: all of it but for the hybrid encoding's video region.
  const cropper = hybrid ? pipeline.element(CROP_NAME) : undefined;
  const area = new VideoArea({
    crop: cropper && ((side, pixels) => cropper.set(side, pixels)),
    caps: (caps) => pipeline.element(SIZE_NAME).set("caps", caps),
    keyframe: () => pipeline.forceKeyUnit(ENCODER_NAME),
    now: () => pipeline.runningTimeNs(),
  }, picture);
  const webrtc = config.pipeline.mode === "webrtc"
    ? new WebRtcEndpoint(pipeline.element("webrtc"), config.iceServers ?? [], control, connected)
    : undefined;
  if (webrtc) {
    await pipeline.setState("ready");
    webrtc.createInputChannel();
  }
  if ((await pipeline.setState("playing")) === 0) await fail(`pipeline failed to start: ${description}`);
  watchBus(pipeline);
  if (hybrid) {
    gate.setActive(false); // video only when the loop says so
    gate.release();
  }
  const loop = hybrid
    ? await startHybridLoop({
      fps: picture.fps,
      codec: config.codec ?? "",
      video: {
        set: (running) => gate.setActive(running),
        keyframe: () => pipeline.forceKeyUnit(ENCODER_NAME),
        area: (rect) => area.set(rect),
      },
      send: (update) => send({ type: "video", ...update }),
      onFailure: (e) => void fail(`hybrid encoding: ${e.message}`),
    }).catch((e) => fail(`hybrid encoding: ${e.message}`))
    : undefined;
  if (!webrtc) {
    const wrap: Wrap | undefined = loop && ((sample) => {
      const shows = area.admit(sample);
      return shows && loop.wrapVideo(shows, sample.key, sample.data);
    });
    pump(pipeline, "video", () => gate.release(), wrap).catch((e) => fail(`video: ${e.message}`));
    if (config.pipeline.audio) pump(pipeline, "audio").catch((e) => fail(`audio: ${e.message}`));
  }
  await control({ t: "ready", description });
  for await (const frame of commands) {
    if (frame.type !== "control") continue;
    const msg = frame.message as ToWorker;
    if (msg.t === "stop") break;
    if (msg.t === "ping") control({ t: "pong" }).catch(() => {});
    if (msg.t === "keyframe") loop ? loop.requestKeyframe() : keyframe();
    if (msg.t === "gate") loop ? loop.setWatched(msg.open === true) : gate.setActive(msg.open === true);
    if (msg.t === "pace") {
      gate.setPaced(msg.open === true);
      loop?.setPaced(msg.open === true);
    }
    if (msg.t === "fps") {
      // ximagesrc renegotiates and grabs at the new rate (never faster, see sizeCaps); the encoder, told the
      // new rate by the caps, starts again at it.
      picture.fps = msg.fps;
      loop?.setFps(msg.fps);
      area.screen(picture.width, picture.height, picture.fps);
    }
    if (msg.t === "bitrate") {
      const { name, value } = bitrateProperty(config.pipeline.encoder, msg.kbps);
      pipeline.element(ENCODER_NAME).set(name, value);
    }
    if (msg.t === "resize") {
      // New caps here make ximagesrc renegotiate, and it then captures the root window at its new size; the
      // encoder restarts its stream at the new size with a keyframe (in-band SPS: no SDP renegotiation). A
      // video region ends (the planner starts again from a keyframe of the new size).
      picture.width = msg.width;
      picture.height = msg.height;
      area.screen(picture.width, picture.height, picture.fps);
      gate.pulse(); // the keyframe, through an idle gate
    }
    if (webrtc && msg.t === "answer") await webrtc.answer(msg.sdp).catch((e) => fail(e.message));
    if (webrtc && msg.t === "ice") webrtc.addIceCandidate(msg.sdpMLineIndex, msg.candidate);
  }
  // Stop message or parent gone: leave at once (`hardExit`: GStreamer 1.22's libnice threads crash a normal
  // exit about one time in ten, see streamer/gst/exit.ts).
  await out.ready.catch(() => {});
  hardExit(0);
}

if (import.meta.main) {
  const commands = readIpc(Deno.stdin.readable);
  const first = await commands.next();
  const msg = first.done || first.value.type !== "control" ? undefined : first.value.message as ToWorker;
  if (msg?.t !== "start") await fail('the first message must be {t:"start"}');
  else await run(msg.config, commands).catch((e) => fail(String(e?.message ?? e)));
}
