import assert from "node:assert/strict";
import { SelkiesError } from "./errors.ts";
import { ConfigError, LimitError, SpecError } from "./jobs/errors.ts";
import { JobIdError, SchedulerError } from "./jobs/scheduler/errors.ts";
import { DesktopError } from "./streamer/desktop/errors.ts";
import { DisplayError } from "./streamer/display/errors.ts";
import { EncoderUnavailableError, MediaWorkerError } from "./streamer/media/errors.ts";
import { ClientBuildError } from "./web/client/bundle.ts";
import { MungeError } from "./streamer/tunnel/_munge.ts";
import { TunnelRejectedError } from "./streamer/tunnel/connect.ts";
import { X11Error, X11TimeoutError } from "./streamer/x11/errors.ts";
import { GatewayConfigError } from "./web/gateway/config.ts";
import { AuthConfigError } from "./web/gateway/middleware/auth/index.ts";
import { MungeVerifyError } from "./web/gateway/munge.ts";
import { SlurmQueryError } from "./web/gateway/slurm.ts";
import { RegistrationRefusedError } from "./web/gateway/verify.ts";

Deno.test("every product error shares one base, is named after its class and carries an exit code", () => {
  // deno-lint-ignore no-explicit-any
  const cases: [new (...args: any[]) => SelkiesError, SelkiesError, 1 | 2][] = [
    [SpecError, new SpecError("x"), 1],
    [ConfigError, new ConfigError("x", "f.yaml"), 1],
    [LimitError, new LimitError("time", "2-00:00:00", "24:00:00"), 1],
    [SchedulerError, new SchedulerError("x"), 2],
    [JobIdError, new JobIdError("x"), 1],
    [DesktopError, new DesktopError("x"), 1],
    [DisplayError, new DisplayError("x"), 2],
    [EncoderUnavailableError, new EncoderUnavailableError("nvh264", "x", ["x264"]), 1],
    [MediaWorkerError, new MediaWorkerError("x"), 2],
    [ClientBuildError, new ClientBuildError("x"), 2],
    [MungeError, new MungeError("x"), 2],
    [TunnelRejectedError, new TunnelRejectedError("x"), 2],
    [X11Error, new X11Error("x"), 2],
    [X11TimeoutError, new X11TimeoutError("resize", 10_000), 2],
    [GatewayConfigError, new GatewayConfigError("x"), 1],
    [AuthConfigError, new AuthConfigError("x"), 1],
    [MungeVerifyError, new MungeVerifyError("x"), 2],
    [SlurmQueryError, new SlurmQueryError("x"), 2],
    [RegistrationRefusedError, new RegistrationRefusedError("x"), 1],
  ];
  for (const [cls, error, exitCode] of cases) {
    assert.ok(error instanceof SelkiesError, cls.name);
    assert.ok(error instanceof cls, cls.name);
    assert.match(cls.name, /Error$/);
    assert.equal(error.name, cls.name);
    assert.equal(error.exitCode, exitCode, cls.name);
  }
});

Deno.test("an encoder error is the user's to fix when pinned, the system's when none works", () => {
  assert.equal(new EncoderUnavailableError("x264", "x", ["vp8"]).exitCode, 1);
  assert.equal(new EncoderUnavailableError("auto", "no encoder works", []).exitCode, 2);
});

Deno.test("a wrapped error keeps its cause", () => {
  const cause = new Error("scontrol not found on PATH");
  assert.equal(new SlurmQueryError("SLURM cannot be asked", { cause }).cause, cause);
});
