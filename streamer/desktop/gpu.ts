/**
 * Finds the DRI render node of the job's GPU, for `vglrun -d /dev/dri/renderD<n>` (VirtualGL's EGL
 * back end). Mapping: SLURM_JOB_GPUS holds physical GPU indices (the NVIDIA device minors, as in
 * /dev/nvidia<N>); CUDA_VISIBLE_DEVICES is used only without it (SLURM renumbers it from 0 inside a
 * device cgroup). The minor is matched to a PCI address through /proc/driver/nvidia/gpus/<pci>/information
 * ("Device Minor: N"), and the address to /sys/class/drm/renderD<k>/device. Without the NVIDIA proc
 * files, the N-th render node (by number) is taken.
 *
 * @module
 */
import type { JobGpus } from "../../jobs/allocation.ts";

/** The render node chosen, or why there is none. */
export type RenderNode = { device: string; reason: string } | { device: null; reason: string };

/**
 * Picks the render node of the first GPU of the job; `root` lets tests use a fake tree.
 *
 * @param gpus The job's GPUs (see `readAllocation`); none given: the first render node.
 * @example
 * ```ts
 * import { findRenderNode } from "./gpu.ts";
 * const node = findRenderNode({ slurmJobGpus: "1" });
 * console.log(node.device ?? `no GPU: ${node.reason}`);
 * ```
 */
export function findRenderNode(gpus: JobGpus, root = ""): RenderNode {
  const nodes = list(`${root}/sys/class/drm`).filter((n) => /^renderD\d+$/.test(n))
    .sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
  if (nodes.length === 0) {
    return { device: null, reason: "no GPU render node (/dev/dri/renderD*) is visible" };
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
  if (!/^\d+$/.test(first)) {
    return {
      device: `/dev/dri/${nodes[0]}`,
      reason: `${from}=${first} is not an index; using the first GPU`,
    };
  }
  const index = Number(first);
  const pci = nvidiaPciOfMinor(root, index);
  if (pci) {
    const node = nodes.find((n) => realBase(`${root}/sys/class/drm/${n}/device`) === pci);
    if (node) {
      return { device: `/dev/dri/${node}`, reason: `GPU ${index} (${pci}) from ${from ?? "default"}` };
    }
  }
  if (index >= nodes.length) return { device: null, reason: `GPU ${index} has no render node` };
  return { device: `/dev/dri/${nodes[index]}`, reason: `render node #${index} from ${from ?? "default"}` };
}

function nvidiaPciOfMinor(root: string, minor: number): string | null {
  for (const pci of list(`${root}/proc/driver/nvidia/gpus`)) {
    try {
      const info = Deno.readTextFileSync(`${root}/proc/driver/nvidia/gpus/${pci}/information`);
      if (Number(info.match(/Device Minor:\s*(\d+)/)?.[1]) === minor) return pci.toLowerCase();
    } catch {
      // unreadable entry: skip
    }
  }
  return null;
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
    return Deno.realPathSync(path).split("/").pop()!.toLowerCase();
  } catch {
    return null;
  }
}
