import assert from "node:assert/strict";
import {
  formatSlurmTime,
  gpuCount,
  memToMb,
  parseSbatchOptions,
  parseSlurmTime,
  ResourcesSchema,
} from "./resources.ts";

Deno.test("parseSlurmTime accepts every sbatch --time format", () => {
  const cases: [string, number][] = [
    ["30", 30 * 60], // minutes
    ["30:15", 30 * 60 + 15], // minutes:seconds
    ["02:00:00", 7200], // hours:minutes:seconds
    ["100:00:00", 360000], // hours may exceed 24
    ["1-12", 36 * 3600], // days-hours
    ["1-02:30", 26 * 3600 + 30 * 60], // days-hours:minutes
    ["2-00:00:05", 48 * 3600 + 5], // days-hours:minutes:seconds
  ];
  for (const [text, seconds] of cases) assert.equal(parseSlurmTime(text), seconds, text);
  for (const t of ["UNLIMITED", "INFINITE", "unlimited"]) assert.equal(parseSlurmTime(t), Infinity);
});

Deno.test("parseSlurmTime rejects what sbatch rejects", () => {
  for (const bad of ["1h", "", "1:2:3:4", "-1", "1-", "00:60:00", "1-00:00:99", "1.5", "1 d"]) {
    assert.equal(parseSlurmTime(bad), undefined, bad);
  }
});

Deno.test("formatSlurmTime round-trips through parseSlurmTime", () => {
  for (const s of [59, 3600, 86399, 93600, 10 * 86400 + 1]) {
    assert.equal(parseSlurmTime(formatSlurmTime(s)), s);
  }
  assert.equal(formatSlurmTime(93600), "1-02:00:00");
  assert.equal(formatSlurmTime(Infinity), "UNLIMITED");
});

Deno.test("memToMb and gpuCount read SLURM sizes and GPU requests", () => {
  assert.equal(memToMb("4G"), 4096);
  assert.equal(memToMb("500M"), 500);
  assert.equal(memToMb("2048"), 2048);
  assert.equal(memToMb("1T"), 1024 * 1024);
  assert.throws(() => memToMb("lots"), /4G/);
  assert.equal(gpuCount("2"), 2);
  assert.equal(gpuCount("a100:3"), 3);
  assert.equal(gpuCount(undefined), 0);
});

Deno.test("ResourcesSchema applies defaults and validates names strictly", () => {
  const r = ResourcesSchema.parse({});
  assert.equal(r.jobName, "selkies");
  assert.equal(r.time, "01:00:00");
  assert.equal(r.nodes, 1);
  for (const partition of ["gpu q", "gpu;rm", "a\nb", "$(x)", ""]) {
    const res = ResourcesSchema.safeParse({ partition });
    assert.equal(res.success, false, partition);
  }
  assert.ok(ResourcesSchema.safeParse({ partition: "gpu-a100_v2.1" }).success);
  assert.equal(
    ResourcesSchema.safeParse({ time: "1h" }).error?.issues[0].message.includes("SLURM time"),
    true,
  );
  assert.equal(ResourcesSchema.safeParse({ time: "0" }).success, false);
  assert.equal(ResourcesSchema.safeParse({ gpus: "a100:2" }).success, true);
  assert.equal(ResourcesSchema.safeParse({ gpus: "two" }).success, false);
  assert.equal(ResourcesSchema.safeParse({ constraint: "a100&ib" }).success, true);
  assert.equal(ResourcesSchema.safeParse({ output: "/tmp/a b" }).success, false);
  assert.equal(ResourcesSchema.safeParse({ bogus: 1 }).success, false);
});

Deno.test("extra sbatch options go through the allow-list only", () => {
  const ok = ResourcesSchema.parse({
    sbatchOptions: parseSbatchOptions(["--mail-type=END,FAIL", "--exclusive", "hint=nomultithread"]),
  });
  assert.deepEqual(ok.sbatchOptions, { "mail-type": "END,FAIL", exclusive: true, hint: "nomultithread" });
  const wrap = ResourcesSchema.safeParse({ sbatchOptions: { wrap: "rm -rf ~" } });
  assert.match(wrap.error!.issues[0].message, /--wrap is not allowed \(allowed: --mail-type/);
  const mail = ResourcesSchema.safeParse({ sbatchOptions: { "mail-type": "SOMETIMES" } });
  assert.match(mail.error!.issues[0].message, /^--mail-type: mail-type must be/);
  const nodelist = ResourcesSchema.safeParse({ sbatchOptions: { nodelist: "c1\n#SBATCH --wrap=x" } });
  assert.equal(nodelist.success, false);
});
