/**
 * `selkies-hpc doctor`: checks what a session needs on this machine, one ok/missing line each with
 * a hint how to fix it. Honest on a box without a GPU: GPU and VirtualGL are optional.
 *
 * @module
 */
import { readAllocation } from "../jobs/allocation.ts";
import { configPaths, resolveSpec } from "../jobs/config.ts";
import { describeIdleRelease, idleReleasePolicy } from "../jobs/site_idle_release.ts";
import { object } from "@optique/core/constructs";
import { message } from "@optique/core/message";
import { command, constant } from "@optique/core/primitives";
import type { InferValue } from "@optique/core/parser";
import { chooseEncoder, probeEncoders } from "../streamer/media/probe.ts";
import { chooseEglDevice } from "../streamer/desktop/gpu.ts";
import { eglDevices, findVirtualGl, virtualGlVersion } from "../streamer/desktop/virtualgl.ts";
import { setupLogging } from "../log.ts";
import { jsonFlag, out, outJson } from "./_output.ts";

/** One doctor check's outcome. */
export interface Check {
  /** What was checked. */
  name: string;
  /** ok, missing (required and absent) or absent (optional and absent). */
  status: "ok" | "missing" | "absent";
  /** What was found, or why not. */
  detail: string;
  /** How to fix it, when not ok. */
  hint?: string;
}

/** The `doctor` command's parser. */
export const doctorCommand = command(
  "doctor",
  object({ cmd: constant("doctor" as const), json: jsonFlag() }),
  { brief: message`check this machine for what a session needs` },
);

/** Parsed `doctor` arguments. */
export type DoctorArgs = InferValue<typeof doctorCommand>;

/** Runs a program briefly; `undefined` when it is missing, fails or hangs. */
async function capture(cmd: string, args: string[], timeoutMs = 5000): Promise<string | undefined> {
  try {
    const r = await new Deno.Command(cmd, {
      args,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutMs),
    }).output();
    return r.success ? new TextDecoder().decode(r.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

/** Finds a program on PATH. */
function which(name: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      const path = `${dir || "."}/${name}`;
      if (Deno.statSync(path).isFile) return path;
    } catch { /* not here */ }
  }
}

const PKG = "run ./scripts/install.sh (installs scripts/packages.txt)";

/**
 * Runs every check.
 *
 * @example
 * ```ts
 * import { runChecks } from "./doctor.ts";
 * for (const c of await runChecks()) console.log(c.name, c.status);
 * ```
 */
export async function runChecks(): Promise<Check[]> {
  const checks: Check[] = [{ name: "deno", status: "ok", detail: Deno.version.deno }];
  const gst = await capture("gst-inspect-1.0", ["--version"]);
  checks.push(
    gst
      ? { name: "gstreamer", status: "ok", detail: gst.split("\n")[1] ?? gst.split("\n")[0] }
      : { name: "gstreamer", status: "missing", detail: "gst-inspect-1.0 not found", hint: PKG },
  );
  const probes = gst ? await probeEncoders().catch(() => []) : [];
  for (const p of probes) {
    checks.push({
      name: `encoder ${p.name}`,
      status: p.available ? "ok" : "absent",
      detail: `${p.element}: ${p.reason}`,
      hint: p.available ? undefined : encoderHint(p.name),
    });
  }
  if (gst && !probes.some((p) => p.available)) {
    checks.push({ name: "encoder", status: "missing", detail: "no video encoder works", hint: PKG });
  } else if (gst) {
    // What `--encoder auto` picks, and why (the same choice the streamer logs).
    const choice = await chooseEncoder("auto");
    checks.push({ name: "encoder auto", status: "ok", detail: `${choice.element}: ${choice.reason}` });
  }
  const xvfb = which("Xvfb");
  checks.push(
    xvfb
      ? { name: "xvfb", status: "ok", detail: xvfb }
      : { name: "xvfb", status: "missing", detail: "Xvfb not found", hint: PKG },
  );
  checks.push(await virtualGlCheck());
  checks.push(await gpuCheck());
  checks.push(...await siteChecks());
  const sbatch = which("sbatch");
  checks.push(
    sbatch ? { name: "slurm client", status: "ok", detail: sbatch } : {
      name: "slurm client",
      status: "absent",
      detail: "sbatch not on PATH",
      hint: "load the SLURM module or run on a login node; `selkies-hpc demo` then runs locally",
    },
  );
  if (sbatch) {
    const ping = await capture("scontrol", ["ping"], 10_000);
    checks.push(
      ping && /\bUP\b/.test(ping)
        ? { name: "slurm controller", status: "ok", detail: ping.split("\n")[0] }
        : {
          name: "slurm controller",
          status: "absent",
          detail: "`scontrol ping` failed",
          hint: "check SLURM_CONF and that slurmctld is reachable from here",
        },
    );
  }
  return checks;
}

/** The config files (a broken one fails every session here) and the site's idle release policy. */
async function siteChecks(): Promise<Check[]> {
  const path = configPaths(Deno.env.toObject()).site;
  try {
    const { site, files } = await resolveSpec({ limits: false });
    const idle = idleReleasePolicy(site.idleRelease);
    return [
      files.includes(path) ? { name: "site config", status: "ok", detail: path } : {
        name: "site config",
        status: "absent",
        detail: `none at ${path}`,
        hint: "optional: limits, defaults, choices and idle release for every user (docs/cli.md)",
      },
      {
        name: "idle release",
        status: idle ? "ok" : "absent",
        detail: describeIdleRelease(site.idleRelease),
        hint: idle ? undefined : "optional (docs/job_lifecycle.md)",
      },
    ];
  } catch (error) {
    return [{
      name: "config",
      status: "missing",
      detail: error instanceof Error ? error.message : String(error),
      hint: "fix the file named above: sessions started here would fail the same way",
    }];
  }
}

function encoderHint(name: string): string {
  if (name === "nvh264") {
    return "needs an NVIDIA GPU with NVENC (H100/H200 have none) and gst-plugins-bad nvcodec";
  }
  if (name === "vah264") return "needs a VA-API GPU and gstreamer1.0-plugins-bad va";
  return PKG;
}

/** VirtualGL: where, which version, and the EGL device a session would render on (or why none). */
async function virtualGlCheck(): Promise<Check> {
  const vgl = findVirtualGl(Deno.env.get("SELKIES_VIRTUALGL_PATH") || undefined);
  if (!("vglrun" in vgl)) {
    return {
      name: "virtualgl",
      status: "absent",
      detail: `${vgl.reason} (GPU OpenGL in the desktop is off)`,
      hint: "install VirtualGL on GPU nodes for hardware OpenGL (optional; docs/gpu.md)",
    };
  }
  const version = await virtualGlVersion(vgl.vglrun) ?? "version unknown";
  const devices = await eglDevices(vgl.vglrun);
  const choice = chooseEglDevice(readAllocation().gpus, devices);
  const backEnd = choice.device
    ? `EGL back end on ${choice.device} (${choice.renderer ?? "?"}; ${choice.reason})`
    : `EGL back end has no GPU: ${choice.reason}`;
  return {
    name: "virtualgl",
    status: "ok",
    detail: `${vgl.vglrun} (${version}, from ${vgl.from}); ${backEnd}`,
  };
}

async function gpuCheck(): Promise<Check> {
  const visible = readAllocation().gpus.cudaVisibleDevices;
  const smi = await capture("nvidia-smi", ["-L"]);
  let devs: string[] = [];
  try {
    devs = [...Deno.readDirSync("/dev")].map((e) => e.name).filter((n) => /^nvidia\d+$/.test(n));
  } catch { /* no /dev listing */ }
  const extra = visible !== undefined ? `; CUDA_VISIBLE_DEVICES=${visible}` : "";
  if (smi) return { name: "gpu", status: "ok", detail: smi.split("\n").join(", ") + extra };
  if (devs.length) return { name: "gpu", status: "ok", detail: `/dev/${devs.join(", /dev/")}${extra}` };
  return {
    name: "gpu",
    status: "absent",
    detail: `no NVIDIA GPU (nvidia-smi and /dev/nvidia* absent)${extra}`,
    hint: "fine for software rendering; ask for --gpus 1 on a GPU partition for hardware GL",
  };
}

/**
 * Runs `doctor`: prints the checks; exit code 2 when something required is missing.
 *
 * @example
 * ```ts
 * import { runDoctor } from "./doctor.ts";
 * await runDoctor({ cmd: "doctor", json: true });
 * ```
 */
export async function runDoctor(args: DoctorArgs): Promise<number> {
  // The checks' own findings are the output; the probe's info lines would only repeat them.
  await setupLogging({ level: "warning" });
  const checks = await runChecks();
  const ok = !checks.some((c) => c.status === "missing");
  if (args.json) outJson({ ok, checks });
  else {
    for (const c of checks) {
      out(`${c.status.padEnd(8)}${c.name.padEnd(18)}${c.detail}${c.hint ? ` -> ${c.hint}` : ""}`);
    }
  }
  return ok ? 0 : 2;
}
