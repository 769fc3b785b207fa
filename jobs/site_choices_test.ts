import assert from "node:assert/strict";
import { SiteConfigSchema } from "./config.ts";

Deno.test("choices: screen sizes, apps and GPU types are checked", () => {
  const ok = SiteConfigSchema.parse({
    choices: {
      geometries: ["1280x720"],
      apps: [{ label: "ParaView", command: "paraview" }],
      gpuTypes: ["a100"],
    },
  });
  assert.equal(ok.choices?.apps?.[0].command, "paraview");
  assert.ok(!SiteConfigSchema.safeParse({ choices: { geometries: ["big"] } }).success);
  assert.ok(!SiteConfigSchema.safeParse({ choices: { geometries: ["99999x99999"] } }).success);
  assert.ok(!SiteConfigSchema.safeParse({ choices: { apps: [{ label: "x" }] } }).success);
  assert.ok(!SiteConfigSchema.safeParse({ choices: { gpuTypes: ["a100; rm -rf"] } }).success);
  assert.ok(!SiteConfigSchema.safeParse({ choices: { colour: "blue" } }).success);
});
