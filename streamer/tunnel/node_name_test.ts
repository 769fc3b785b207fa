import assert from "node:assert/strict";
import { hostname } from "node:os";
import { slurmNodeName } from "./node_name.ts";

Deno.test("the node name is SLURMD_NODENAME when set, else the short host name", () => {
  assert.equal(slurmNodeName({ SLURMD_NODENAME: "gpu01" }), "gpu01");
  assert.equal(slurmNodeName({ SLURMD_NODENAME: " " }), hostname().split(".")[0]);
  assert.equal(slurmNodeName({}), hostname().split(".")[0]);
});
