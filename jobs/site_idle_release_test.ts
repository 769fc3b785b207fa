import assert from "node:assert/strict";
import { SiteConfigSchema } from "./config.ts";
import { describeIdleRelease, idleReleasePolicy } from "./site_idle_release.ts";

Deno.test("idle release is off without the section or with 0 minutes", () => {
  assert.equal(idleReleasePolicy(SiteConfigSchema.parse({}).idleRelease), undefined);
  assert.equal(
    idleReleasePolicy(SiteConfigSchema.parse({ idleRelease: { minutes: 0 } }).idleRelease),
    undefined,
  );
  assert.match(describeIdleRelease(undefined), /^off/);
});

Deno.test("the warning defaults to 5 min, or 10 % of a short limit", () => {
  const policy = (raw: unknown) =>
    idleReleasePolicy(SiteConfigSchema.parse({ idleRelease: raw }).idleRelease);
  assert.deepEqual(policy({ minutes: 60 }), { limitMs: 3_600_000, warnMs: 300_000, watchingKeeps: true });
  assert.equal(policy({ minutes: 20 })!.warnMs, 120_000);
  assert.equal(policy({ minutes: 60, warnMinutes: 10 })!.warnMs, 600_000);
  assert.equal(
    policy({ minutes: 0.5, warnMinutes: 0.25 })!.limitMs,
    30_000,
    "fractions of a minute are allowed",
  );
  assert.equal(policy({ minutes: 60, watchingKeeps: false })!.watchingKeeps, false);
});

Deno.test("bad idle release settings are refused with the field named", () => {
  const issues = (raw: unknown) => {
    const r = SiteConfigSchema.safeParse({ idleRelease: raw });
    return r.success ? "" : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  };
  assert.match(issues({ minutes: -1 }), /idleRelease\.minutes/);
  assert.match(issues({ minutes: "60" }), /idleRelease\.minutes/);
  assert.match(issues({ minutes: 10, warnMinutes: 10 }), /warnMinutes must be less than minutes/);
  assert.match(issues({ minutes: 10, idle: true }), /idle/);
  assert.match(issues({}), /idleRelease\.minutes/);
});

Deno.test("doctor's line says what the setting does", () => {
  assert.equal(
    describeIdleRelease({ minutes: 60, watchingKeeps: true }),
    "after 60 min with no viewer and no input (warning 5 min before); a connected viewer keeps the session",
  );
  assert.match(describeIdleRelease({ minutes: 30, watchingKeeps: false }), /connected viewer without input/);
});
