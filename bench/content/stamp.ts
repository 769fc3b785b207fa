/**
 * The benchmark's content program, run on the display under test (`DISPLAY`):
 * `deno run -A bench/content/stamp.ts motion|text|idle`.
 *
 * - motion: a full-screen texture panning at 60 fps;
 * - text: an xterm scrolling 30 lines per second over a plain background;
 * - idle: a plain background; only the time code changes, twice a second.
 *
 * Every mode draws the time code (see ../timecode.ts) in the top-left corner and counts key
 * presses into it right away, which is what input-to-photon latency is measured against.
 *
 * @module
 */
import { BLOCK, CODE_HEIGHT, CODE_WIDTH, encodeTimeCode } from "../timecode.ts";
import { plasmaTexture } from "./_texture.ts";
import { XClient } from "./_xlib.ts";

/** The kinds of content the benchmark plays. */
export const CONTENT_MODES = ["motion", "text", "idle"] as const;
/** One kind of content. */
export type ContentMode = typeof CONTENT_MODES[number];

const BACKGROUND = 0x2e3440;
const PAN = 256; // how far the texture travels, pixels

function main(mode: ContentMode): void {
  const x = new XClient();
  const { width, height } = x;
  x.fill(BACKGROUND, 0, 0, width, height);
  x.focus();
  let term: Deno.ChildProcess | undefined;
  if (mode === "text") term = startTerminal(width, height);
  const texture = mode === "motion"
    ? x.uploadPixmap(plasmaTexture(width + PAN, height + PAN), width + PAN, height + PAN)
    : 0n;
  const interval = mode === "idle" ? 500 : 1000 / 60;
  let keys = 0;
  let next = performance.now();
  const start = performance.now();

  const drawCode = () => {
    const bits = encodeTimeCode({ time: Date.now() % 2 ** 24, keys: keys % 16 });
    x.fill(0x000000, 0, 0, CODE_WIDTH, CODE_HEIGHT);
    bits.forEach((bit, c) => x.fill(0xffffff, c * BLOCK, bit ? 0 : BLOCK, BLOCK, BLOCK));
  };
  const tick = () => {
    const pressed = x.takeKeyPresses();
    keys += pressed;
    const now = performance.now();
    if (now >= next) {
      next = Math.max(next + interval, now - interval);
      if (mode === "motion") {
        const t = (now - start) / 1000;
        const sx = Math.round(PAN / 2 * (1 + Math.sin(t * 2.1)));
        const sy = Math.round(PAN / 2 * (1 + Math.cos(t * 1.3)));
        // Two copies that leave the code's corner alone, so no frame shows it half drawn.
        x.copy(texture, sx + CODE_WIDTH, sy, width - CODE_WIDTH, CODE_HEIGHT, CODE_WIDTH, 0);
        x.copy(texture, sx, sy + CODE_HEIGHT, width, height - CODE_HEIGHT, 0, CODE_HEIGHT);
      }
      drawCode();
      x.flush();
    } else if (pressed > 0) {
      drawCode();
      x.flush();
    }
    setTimeout(tick, 4);
  };
  const stop = () => {
    try {
      term?.kill("SIGTERM");
    } catch { /* already gone */ }
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  tick();
}

function startTerminal(width: number, height: number): Deno.ChildProcess {
  // xterm's default font is 6x13; fill the screen below the time code.
  const cols = Math.floor(width / 6) - 2;
  const rows = Math.floor((height - CODE_HEIGHT - 8) / 13) - 1;
  const script = "import itertools, time\n" +
    "for i in itertools.count():\n" +
    "    print(f'{i:08d} {time.time():.3f} the quick brown fox jumps over the lazy dog ' + 'abcdefghij' * 6)\n" +
    "    time.sleep(1 / 30)\n";
  return new Deno.Command("xterm", {
    args: [
      "-geometry",
      `${cols}x${rows}+0+${CODE_HEIGHT + 8}`,
      "-bg",
      "black",
      "-fg",
      "#d8dee9",
      "-e",
      "python3",
      "-u",
      "-c",
      script,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

if (import.meta.main) {
  const mode = Deno.args[0] as ContentMode;
  if (!CONTENT_MODES.includes(mode)) {
    console.error(`usage: stamp.ts ${CONTENT_MODES.join("|")}`);
    Deno.exit(2);
  }
  main(mode);
}
