import assert from "node:assert/strict";
import { checkJobId } from "./_job_id.ts";
import { JobIdError } from "./errors.ts";

Deno.test("checkJobId accepts plain and array-task ids only", () => {
  for (const ok of ["1", "123456", "12_3", "12+1"]) checkJobId(ok);
  for (const bad of ["", "abc", "12;rm -rf /", "-1", "12_", "1 2", "--help", "12_[1-3]", "1".repeat(13)]) {
    assert.throws(() => checkJobId(bad), JobIdError, bad);
  }
  assert.throws(() => checkJobId("x"), (e: JobIdError) => e.exitCode === 1);
});
