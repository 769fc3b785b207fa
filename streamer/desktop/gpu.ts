/**
 * Picks the EGL device of the job's GPU for `vglrun -d egl<N>` (VirtualGL's EGL back end).
 *
 * VirtualGL numbers the EGL devices that initialize (`egl0`, `egl1`...; `eglinfo -e` lists them) and matches a
 * `-d /dev/dri/...` path only against a device's DRM *card* file, never a render node, so the choice is made
 * as an `egl<N>` ID. The job's GPU: SLURM_JOB_GPUS holds physical indices (the NVIDIA device minors, as in
 * /dev/nvidia<N>); CUDA_VISIBLE_DEVICES is used only without it (SLURM renumbers it from 0 inside a device
 * cgroup). The minor gives a PCI address (/proc/driver/nvidia/gpus/<pci>/information, "Device Minor: N");
 * a device whose DRM file (/sys/class/drm/cardK/device) is at that address is the one. Without DRM files
 * (no nvidia-drm module, a VM), NVIDIA's EGL devices come in minor order: the GPU's rank among the minors
 * when EGL sees all of them, the first device when it sees only the job's (a device cgroup).
 *
 * @module
 */
import type { JobGpus } from "../../jobs/allocation.ts";
import { type EglDevice, isSoftwareRenderer } from "./virtualgl.ts";

/** The EGL device chosen, or why there is none. */
export type EglChoice =
  | { device: string; renderer?: string; reason: string }
  | { device: null; reason: string };

/**
 * Chooses the job's first GPU among VirtualGL's EGL devices; CPU renderers (Mesa's llvmpipe) never count.
 *
 * @param gpus The job's GPUs (see `readAllocation`); none given: the first GPU.
 * @param devices What `eglDevices` found.
 * @param root Prefix of /proc and /sys (tests use a fake tree).
 * @example
 * ```ts
 * import { chooseEglDevice } from "./gpu.ts";
 * const choice = chooseEglDevice({ slurmJobGpus: "1" }, [{ id: "egl0", renderer: "NVIDIA H200/PCIe/SSE2" }]);
 * console.log(choice.device ?? `no GPU: ${choice.reason}`);
 * ```
 */
export function chooseEglDevice(gpus: JobGpus, devices: EglDevice[], root = ""): EglChoice {
  const hardware = devices.filter((d) => !isSoftwareRenderer(d.renderer));
  if (hardware.length === 0) {
    const seen = devices.map((d) => `${d.id}: ${d.renderer ?? "?"}`).join(", ");
    return { device: null, reason: `no GPU among the EGL devices (${seen || "none found"})` };
  }
  const [from, value] = gpus.slurmJobGpus
    ? ["SLURM_JOB_GPUS", gpus.slurmJobGpus]
    : gpus.cudaVisibleDevices
    ? ["CUDA_VISIBLE_DEVICES", gpus.cudaVisibleDevices]
    : [null, ""];
  const first = from ? value.split(",")[0].trim() : "0";
  if (from && (first === "" || first === "-1" || first === "NoDevFiles")) {
    return { device: null, reason: `${from}=${value} leaves this job no GPU` };
  }
  const pick = (d: EglDevice, why: string) => ({
    device: d.id,
    renderer: d.renderer,
    reason: `${d.id}: ${why}`,
  });
  if (!/^\d+$/.test(first)) return pick(hardware[0], `${from}=${first} is not an index; the first GPU`);
  const index = Number(first);
  const source = from ?? "default";
  const minors = nvidiaMinors(root);
  const pci = minors.find((m) => m.minor === index)?.pci;
  if (pci) {
    const byDri = hardware.find((d) =>
      d.dri && realBase(`${root}/sys/class/drm/${base(d.dri)}/device`) === pci
    );
    if (byDri) return pick(byDri, `GPU ${index} (${pci}, ${byDri.dri}) from ${source}`);
  }
  if (minors.length > 0 && hardware.length === minors.length && pci) {
    const rank = minors.findIndex((m) => m.minor === index);
    return pick(hardware[rank], `GPU ${index} (${pci}) from ${source}, by minor order`);
  }
  if (minors.length > hardware.length && pci) {
    return pick(
      hardware[0],
      `GPU ${index} from ${source}; EGL sees ${hardware.length} of ${minors.length} GPUs`,
    );
  }
  if (index >= hardware.length) {
    return { device: null, reason: `GPU ${index} from ${source}: only ${hardware.length} EGL GPU device(s)` };
  }
  return pick(hardware[index], `GPU ${index} from ${source}`);
}

/**
 * The NVIDIA GPUs the driver lists, by device minor.
 *
 * @example
 * ```ts
 * import { nvidiaMinors } from "./gpu.ts";
 * nvidiaMinors().length; // 0 without an NVIDIA driver
 * ```
 */
export function nvidiaMinors(root = ""): { minor: number; pci: string }[] {
  const found: { minor: number; pci: string }[] = [];
  for (const pci of list(`${root}/proc/driver/nvidia/gpus`)) {
    try {
      const info = Deno.readTextFileSync(`${root}/proc/driver/nvidia/gpus/${pci}/information`);
      const minor = info.match(/Device Minor:\s*(\d+)/)?.[1];
      if (minor !== undefined) found.push({ minor: Number(minor), pci: pci.toLowerCase() });
    } catch {
      // unreadable entry: skip
    }
  }
  return found.sort((a, b) => a.minor - b.minor);
}

function base(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function list(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name);
  } catch {
    return [];
  }
}

function realBase(path: string): string | null {
  try {
    return base(Deno.realPathSync(path)).toLowerCase();
  } catch {
    return null;
  }
}
