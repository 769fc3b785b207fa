/**
 * Smoke test of the benchmark suite: `deno task bench --quick` runs end to end against real
 * Xvnc/websockify/noVNC and our streamer in headless Chromium, and writes results of the expected
 * shape. No performance threshold is asserted; only that frames arrived on every side.
 */
import assert from "node:assert/strict";
import type { BenchReport } from "../bench/run.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test({
  name:
    "bench --quick measures the calibration, noVNC and both our transports and writes JSON, Markdown and SVG",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "bench-smoke-" });
    try {
      const started = performance.now();
      const run = await new Deno.Command(`${ROOT}scripts/deno`, {
        args: ["task", "--quiet", "bench", "--quick", "--out", out],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const seconds = (performance.now() - started) / 1000;
      const stderr = new TextDecoder().decode(run.stderr);
      assert.equal(run.code, 0, `bench failed:\n${stderr.slice(-3000)}`);
      assert.ok(seconds < 180, `--quick took ${seconds} s, more than 3 minutes`);
      assert.match(new TextDecoder().decode(run.stdout), /novnc \/ motion/);

      const report: BenchReport = JSON.parse(await Deno.readTextFile(`${out}/results.json`));
      assert.equal(report.version, 1);
      assert.equal(report.quick, true);
      assert.ok(report.machine.nproc > 0 && report.machine.kernel.length > 0);
      assert.ok(report.calibration.fps > 0 && report.calibration.latency.n > 0, "calibration read nothing");

      const names = report.cases.map((c) => `${c.peer}/${c.content}`).sort();
      assert.deepEqual(names, [
        "novnc/motion",
        "novnc/text",
        "selkies-webrtc/motion",
        "selkies-webrtc/text",
        "selkies-websocket/motion",
        "selkies-websocket/text",
      ]);
      for (const c of report.cases) {
        assert.equal(c.error, null, `${c.peer}/${c.content} failed: ${c.error}`);
        const m = c.measurement!;
        assert.ok(m.fps > 0 && m.latency.n > 0, `${c.peer}/${c.content}: no frames reached the page`);
        assert.ok(
          m.latency.p50! >= 0 && m.latency.p50! < 5000,
          `${c.peer}/${c.content}: latency ${m.latency.p50}`,
        );
        assert.ok(m.mbps > 0, `${c.peer}/${c.content}: no bytes counted`);
        assert.ok(m.serverCpu !== null && m.serverCpu > 0, `${c.peer}/${c.content}: no server CPU measured`);
      }
      const markdown = await Deno.readTextFile(`${out}/results.md`);
      assert.match(markdown, /## Targets/);
      const svg = await Deno.readTextFile(`${out}/latency.svg`);
      assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.match(svg, /novnc \/ motion/);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
