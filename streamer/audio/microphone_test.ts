import assert from "node:assert/strict";
import { ProcessGroup } from "../process/group.ts";
import { startPulse } from "./pulse.ts";
import { MicrophoneFloor, microphonePipeline, MicrophonePlayer, rtpStreamPacket } from "./microphone.ts";
import type { MicPacket } from "../../protocol/microphone.ts";
import { dominantFrequency, recordSource } from "../../tests/fixtures/tone.ts";

/** Opus packets of a 20 ms-framed sine, made by GStreamer's own encoder (RFC 4571 RTP on stdout). */
async function opusPackets(frequency: number, count: number): Promise<Uint8Array[]> {
  const description = `audiotestsrc freq=${frequency} num-buffers=${count} samplesperbuffer=960 ! ` +
    "audio/x-raw,rate=48000,channels=1 ! opusenc frame-size=20 ! rtpopuspay ! rtpstreampay ! fdsink fd=1";
  const out = await new Deno.Command("gst-launch-1.0", { args: ["-q", ...description.split(" ")] }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const packets: Uint8Array[] = [];
  const view = new DataView(out.stdout.buffer);
  for (let at = 0; at + 2 <= out.stdout.byteLength;) {
    const length = view.getUint16(at);
    packets.push(out.stdout.slice(at + 2 + 12, at + 2 + length)); // past the RTP header
    at += 2 + length;
  }
  return packets;
}

Deno.test("RTP framing: length, version, payload type, sequence, 48 kHz timestamp, SSRC", () => {
  const bytes = rtpStreamPacket(
    { seq: 65_537, timestampUs: 1_000_000, payload: new Uint8Array([9, 8]) },
    0xdeadbeef,
  );
  const view = new DataView(bytes.buffer);
  assert.equal(view.getUint16(0), 14);
  assert.equal(bytes[2], 0x80);
  assert.equal(bytes[3], 111);
  assert.equal(view.getUint16(4), 1);
  assert.equal(view.getUint32(6), 48_000);
  assert.equal(view.getUint32(10), 0xdeadbeef);
  assert.deepEqual([...bytes.subarray(14)], [9, 8]);
  // Browser clocks beyond 2^32 ticks (a day) wrap.
  const late = rtpStreamPacket({
    seq: 0,
    timestampUs: 2 ** 32 / 48 * 1000 + 1000,
    payload: new Uint8Array(1),
  }, 1);
  assert.equal(new DataView(late.buffer).getUint32(6), 48);
  assert.match(
    microphonePipeline("x").join(" "),
    /rtpjitterbuffer latency=60 drop-on-latency=true.*pulsesink device=x/,
  );
});

Deno.test("the floor: last to claim wins, the previous holder hears it, others' packets dropped", async () => {
  const played: number[] = [];
  let stops = 0;
  const floor = new MicrophoneFloor({
    push: (p) => played.push(p.seq),
    stop: () => (stops++, Promise.resolve()),
  });
  const heard: string[] = [];
  const a = { revoked: (m: string) => heard.push(`a: ${m}`) };
  const b = { revoked: (m: string) => heard.push(`b: ${m}`) };
  const packet = (seq: number): MicPacket => ({ seq, timestampUs: 0, payload: new Uint8Array(1) });
  assert.equal(floor.push(a, packet(1)), false);
  floor.claim(a);
  assert.equal(floor.push(a, packet(2)), true);
  floor.claim(b);
  assert.match(heard.join(), /^a: Another viewer turned their microphone on/);
  assert.equal(floor.push(a, packet(3)), false);
  assert.equal(floor.push(b, packet(4)), true);
  floor.release(a); // not the holder: nothing
  assert.ok(floor.holds(b));
  floor.release(b);
  assert.equal(floor.push(b, packet(5)), false);
  assert.deepEqual(played, [2, 4]);
  assert.equal(stops, 2);
  await Promise.resolve();
});

Deno.test("packets pushed in real time are heard on the default source at their frequency", async () => {
  const group = new ProcessGroup({ graceMs: 1000 });
  const base = await Deno.makeTempDir();
  try {
    await Deno.chmod(base, 0o700);
    const pulse = await startPulse({ runtimeDir: base, group });
    assert.ok(pulse.server !== null, "reason" in pulse ? pulse.reason : "");
    const packets = await opusPackets(660, 150); // 3 s
    const player = new MicrophonePlayer({ pulseEnv: pulse.env, group });
    const start = Date.now();
    let sent = 0;
    const pacing = setInterval(() => {
      while (sent < packets.length && sent * 20 <= Date.now() - start) {
        player.push({ seq: sent, timestampUs: start * 1000 + sent * 20_000, payload: packets[sent] });
        sent++;
      }
    }, 10);
    try {
      await new Promise((resolve) => setTimeout(resolve, 800));
      const recorded = await recordSource(pulse.env, "@DEFAULT_SOURCE@", 48_000, 2500);
      const tone = dominantFrequency(recorded);
      console.log(`recorded ${recorded.length} samples: ${tone.frequency} Hz, rms ${tone.rms.toFixed(0)}`);
      assert.ok(recorded.length > 24_000, `only ${recorded.length} samples`);
      assert.ok(tone.rms > 1000, `silence (rms ${tone.rms})`);
      assert.ok(Math.abs(tone.frequency - 660) <= 15, `${tone.frequency} Hz`);
    } finally {
      clearInterval(pacing);
      await player.stop();
    }
    assert.ok(player.counts.played > 0);
  } finally {
    await group.stop();
    await Deno.remove(base, { recursive: true });
  }
});
