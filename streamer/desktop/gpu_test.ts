import assert from "node:assert/strict";
import { findRenderNode } from "./gpu.ts";

async function fakeTree(): Promise<string> {
  const root = await Deno.makeTempDir();
  // Two NVIDIA GPUs whose render nodes are in the opposite order of their minors.
  for (
    const [pci, minor, node] of [["0000:17:00.0", 0, "renderD129"], [
      "0000:65:00.0",
      1,
      "renderD128",
    ]] as const
  ) {
    await Deno.mkdir(`${root}/proc/driver/nvidia/gpus/${pci}`, { recursive: true });
    await Deno.writeTextFile(
      `${root}/proc/driver/nvidia/gpus/${pci}/information`,
      `Model: H100\nDevice Minor: ${minor}\n`,
    );
    await Deno.mkdir(`${root}/sys/devices/pci/${pci}`, { recursive: true });
    await Deno.mkdir(`${root}/sys/class/drm/${node}`, { recursive: true });
    await Deno.symlink(`${root}/sys/devices/pci/${pci}`, `${root}/sys/class/drm/${node}/device`);
  }
  return root;
}

Deno.test("findRenderNode maps the job's physical GPU to its render node via the PCI address", async () => {
  const root = await fakeTree();
  try {
    assert.equal(findRenderNode({ slurmJobGpus: "1" }, root).device, "/dev/dri/renderD128");
    assert.equal(
      findRenderNode({ slurmJobGpus: "0,1", cudaVisibleDevices: "1" }, root).device,
      "/dev/dri/renderD129",
    );
    assert.equal(findRenderNode({ cudaVisibleDevices: "1" }, root).device, "/dev/dri/renderD128");
    assert.equal(findRenderNode({}, root).device, "/dev/dri/renderD129");
    assert.equal(findRenderNode({ cudaVisibleDevices: "-1" }, root).device, null);
    assert.equal(findRenderNode({ slurmJobGpus: "7" }, root).device, null);
    assert.equal(findRenderNode({ cudaVisibleDevices: "GPU-1234" }, root).device, "/dev/dri/renderD128");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("findRenderNode without any render node says so", async () => {
  const root = await Deno.makeTempDir();
  try {
    const node = findRenderNode({ slurmJobGpus: "0" }, root);
    assert.equal(node.device, null);
    assert.match(node.reason, /no GPU render node/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
