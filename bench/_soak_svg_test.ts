import assert from "node:assert/strict";
import { soakSvg } from "./_soak_svg.ts";

Deno.test("one chart per series, a polyline through every present value, flagged ones in red", () => {
  const svg = soakSvg(
    [
      { name: "streamer RSS (MiB)", kind: "rss", values: [80, 82, 84] },
      { name: "gateway fds", kind: "count", values: [10, null, 12] },
      { name: "p99 <ms>", kind: "latency", values: [null, null] },
    ],
    new Set(["gateway fds"]),
    "smoke & test",
  );
  assert.equal(svg.match(/<polyline /g)?.length, 2);
  assert.equal(svg.match(/<circle /g)?.length, 5);
  assert.match(svg, /font-weight="bold" fill="#bf616a">gateway fds</);
  assert.match(svg, /p99 &lt;ms&gt;/, "names are escaped");
  assert.match(svg, /no samples/);
  assert.match(svg, /smoke &amp; test/);
  // The RSS chart's scale rounds 84 up to 100; its last point sits at 84 % of the height.
  assert.match(svg, />100</);
  const lastY = svg.match(/<polyline points="[\d.]+,[\d.]+ [\d.]+,[\d.]+ [\d.]+,([\d.]+)"/)![1];
  assert.equal(Number(lastY), Number((34 + 110 - 0.84 * 110).toFixed(1)));
});
