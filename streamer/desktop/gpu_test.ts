import assert from "node:assert/strict";
import { chooseEglDevice, nvidiaMinors } from "./gpu.ts";
import type { EglDevice } from "./virtualgl.ts";

const H200 = "NVIDIA H200/PCIe/SSE2";
const LLVMPIPE = "llvmpipe (LLVM 15.0.6, 256 bits)";

/** Two NVIDIA GPUs (minors 0 and 1) whose DRM card files are in the opposite order of their minors. */
async function fakeTree(): Promise<string> {
  const root = await Deno.makeTempDir();
  for (const [pci, minor, card] of [["0000:17:00.0", 0, "card1"], ["0000:65:00.0", 1, "card0"]] as const) {
    await Deno.mkdir(`${root}/proc/driver/nvidia/gpus/${pci}`, { recursive: true });
    await Deno.writeTextFile(
      `${root}/proc/driver/nvidia/gpus/${pci}/information`,
      `Model: H200\nDevice Minor: ${minor}\n`,
    );
    await Deno.mkdir(`${root}/sys/devices/pci/${pci}`, { recursive: true });
    await Deno.mkdir(`${root}/sys/class/drm/${card}`, { recursive: true });
    await Deno.symlink(`${root}/sys/devices/pci/${pci}`, `${root}/sys/class/drm/${card}/device`);
  }
  return root;
}

Deno.test("chooseEglDevice maps the job's physical GPU to VirtualGL's EGL device through its DRM card's PCI address", async () => {
  const root = await fakeTree();
  try {
    assert.deepEqual(nvidiaMinors(root).map((m) => m.minor), [0, 1]);
    // EGL lists card0 (minor 1) first.
    const devices: EglDevice[] = [
      { id: "egl0", dri: "/dev/dri/card0", renderer: H200 },
      { id: "egl1", dri: "/dev/dri/card1", renderer: H200 },
      { id: "egl2", renderer: LLVMPIPE },
    ];
    assert.equal(chooseEglDevice({ slurmJobGpus: "1" }, devices, root).device, "egl0");
    assert.equal(
      chooseEglDevice({ slurmJobGpus: "0,1", cudaVisibleDevices: "1" }, devices, root).device,
      "egl1",
    );
    assert.equal(chooseEglDevice({ cudaVisibleDevices: "1" }, devices, root).device, "egl0");
    assert.match(
      chooseEglDevice({ slurmJobGpus: "1" }, devices, root).reason,
      /GPU 1 \(0000:65:00.0, \/dev\/dri\/card0\)/,
    );
    assert.equal(chooseEglDevice({}, devices, root).device, "egl1", "no job GPUs: minor 0");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("chooseEglDevice without DRM files: minor order when EGL sees every GPU, the first when it sees only the job's", async () => {
  const root = await fakeTree();
  try {
    const all: EglDevice[] = [{ id: "egl0", renderer: H200 }, { id: "egl1", renderer: H200 }];
    assert.equal(chooseEglDevice({ slurmJobGpus: "1" }, all, root).device, "egl1");
    assert.equal(chooseEglDevice({ slurmJobGpus: "0" }, all, root).device, "egl0");
    const cgroup: EglDevice[] = [{ id: "egl0", renderer: H200 }];
    const choice = chooseEglDevice({ slurmJobGpus: "1" }, cgroup, root);
    assert.equal(choice.device, "egl0");
    assert.match(choice.reason, /EGL sees 1 of 2 GPUs/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("chooseEglDevice never takes a CPU renderer, and says why there is no GPU", () => {
  const root = "/nonexistent-root";
  const soft = chooseEglDevice({}, [{ id: "egl0", renderer: LLVMPIPE }], root);
  assert.equal(soft.device, null);
  assert.match(soft.reason, /no GPU among the EGL devices \(egl0: llvmpipe/);
  assert.match(chooseEglDevice({}, [], root).reason, /none found/);
  const mixed: EglDevice[] = [{ id: "egl0", renderer: LLVMPIPE }, { id: "egl1", renderer: H200 }];
  assert.equal(chooseEglDevice({}, mixed, root).device, "egl1");
  assert.equal(chooseEglDevice({ cudaVisibleDevices: "-1" }, mixed, root).device, null);
  assert.match(
    chooseEglDevice({ slurmJobGpus: "", cudaVisibleDevices: "NoDevFiles" }, mixed, root).reason,
    /no GPU/,
  );
  assert.match(chooseEglDevice({ slurmJobGpus: "7" }, mixed, root).reason, /only 1 EGL GPU device/);
  assert.equal(chooseEglDevice({ cudaVisibleDevices: "GPU-1234" }, mixed, root).device, "egl1");
});
