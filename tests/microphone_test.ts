/**
 * The browser's microphone end to end (issue 13): a real session with PulseAudio (Xvfb, media worker,
 * server), viewed by headless Chromium whose fake microphone plays a known 880 Hz tone from a WAV made here.
 * A recorder in the session (`parec` with the desktop's own PulseAudio address and cookie, on the default
 * source) hears silence until the page's Mic button is clicked, then the tone; turning it off silences it.
 * View-only refusal is checked where it is decided, with real protocol frames: the streamer's viewer
 * (streamer/session/viewer_desktop_frames_test.ts) and the gateway's relay (web/gateway/relay_desktop_frames_test.ts).
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { waitFor } from "./fixtures/async.ts";
import { launchBrowser } from "./fixtures/browser.ts";
import { startTestSession } from "./fixtures/session.ts";
import { dominantFrequency, recordSource, sineWav } from "./fixtures/tone.ts";

type MicWin = typeof globalThis & { selkiesMic: { state: string; sent: number } };

const TONE_HZ = 880;

/** The page's microphone: its state (a getter, so read by name) and the packets sent. */
const mic = (page: Page) =>
  page.evaluate(() => {
    const { state, sent } = (globalThis as MicWin).selkiesMic;
    return { state, sent };
  });

Deno.test({
  name: "microphone: Chromium's fake microphone tone is heard on the session's default source, only while on",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "selkies-mic-test-" });
    const wav = `${dir}/tone.wav`;
    await Deno.writeFile(wav, sineWav(TONE_HZ, 10));
    // The desktop tells the test its PulseAudio address and cookie: the recorder is a client of the session.
    const envFile = `${dir}/pulse.env`;
    const session = await startTestSession({
      audio: true,
      desktop: `printf '%s\\n%s\\n' "$PULSE_SERVER" "$PULSE_COOKIE" > ${envFile}; exec sleep 600`,
    });
    const browser = await launchBrowser({
      flags: [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        `--use-file-for-fake-audio-capture=${wav}`,
      ],
    });
    try {
      const [server, cookie] = (await waitFor("the desktop's PulseAudio address", async () => {
        const text = await Deno.readTextFile(envFile).catch(() => "");
        return text.includes("\n") && text;
      }, 10_000)).trim().split("\n");
      const pulse = { PULSE_SERVER: server, PULSE_COOKIE: cookie };
      const record = async () => {
        const samples = await recordSource(pulse, "@DEFAULT_SOURCE@", 48_000);
        assert.equal(samples.length, 48_000, "a whole second recorded");
        return dominantFrequency(samples);
      };

      const page = await browser.context.newPage();
      await page.goto(`${session.url}&transport=websocket`);
      await waitFor("the Mic button, off", async () => (await mic(page)).state === "off", 20_000);
      assert.equal(await page.locator("#mic").getAttribute("aria-pressed"), "false");
      const before = await record();
      console.log(`off: rms ${before.rms.toFixed(0)}`);
      assert.ok(before.rms < 50, `the microphone is off by default, yet the source has rms ${before.rms}`);

      await page.locator("#mic").click();
      await waitFor("the microphone on and sending", async () => {
        const state = await mic(page);
        return state.state === "on" && state.sent > 25;
      }, 15_000);
      assert.equal(await page.locator("#mic").getAttribute("aria-pressed"), "true");
      const on = await record();
      console.log(`on: ${on.frequency} Hz, rms ${on.rms.toFixed(0)}`);
      assert.ok(on.rms > 1000, `the tone is too quiet: rms ${on.rms}`);
      assert.ok(Math.abs(on.frequency - TONE_HZ) <= 15, `heard ${on.frequency} Hz, played ${TONE_HZ} Hz`);

      await page.locator("#mic").click();
      await waitFor("the microphone off", async () => (await mic(page)).state === "off");
      // What was on its way plays out first (the jitter buffer and the sink hold ~140 ms).
      await waitFor("silence again", async () => (await record()).rms < 50, 10_000);
    } finally {
      await browser.close();
      await session.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
