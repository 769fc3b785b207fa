import assert from "node:assert/strict";
import { hostname, userInfo } from "node:os";
import { localAllocation, readAllocation } from "./allocation.ts";

Deno.test("readAllocation: a SLURM job's facts, from the environment slurmd and the job script set", () => {
  const job = readAllocation({
    SLURM_JOB_ID: "4242",
    SLURM_CPUS_PER_TASK: "8",
    SLURM_CPUS_ON_NODE: "64",
    SLURM_JOB_GPUS: "2,3",
    CUDA_VISIBLE_DEVICES: "0,1",
    SLURMD_NODENAME: "gpu01",
    SELKIES_WALLTIME_WARNING_SECONDS: "300",
    SELKIES_MUNGE_SOCKET: "/run/munge/alt.socket",
    SELKIES_READY_FILE: "/home/u/s/ready.json",
    SELKIES_SESSION_DIR: "/home/u/s",
    USER: "somebody-else",
  });
  assert.deepEqual(job, {
    jobId: "4242",
    cpus: 8,
    gpus: { slurmJobGpus: "2,3", cudaVisibleDevices: "0,1" },
    user: userInfo().username, // the UID's account, not $USER
    nodeName: "gpu01",
    walltimeWarningSeconds: 300,
    mungeSocket: "/run/munge/alt.socket",
    readyFile: "/home/u/s/ready.json",
    sessionDir: "/home/u/s",
  });
});

Deno.test("readAllocation: CPUs per task, else on the node; nonsense counts as unset", () => {
  assert.equal(readAllocation({ SLURM_CPUS_ON_NODE: "16" }).cpus, 16);
  assert.equal(readAllocation({ SLURM_CPUS_PER_TASK: "x", SLURM_CPUS_ON_NODE: "16" }).cpus, 16);
  assert.equal(readAllocation({ SLURM_CPUS_PER_TASK: "0" }).cpus, undefined);
  assert.equal(readAllocation({ SLURM_CPUS_PER_TASK: "2.5" }).cpus, undefined);
  assert.equal(
    readAllocation({ SELKIES_WALLTIME_WARNING_SECONDS: "soon" }).walltimeWarningSeconds,
    undefined,
  );
  assert.equal(readAllocation({ SLURM_JOB_ID: "" }).jobId, undefined);
});

Deno.test("readAllocation: SLURM's node name when set, else the short host name", () => {
  const short = hostname().split(".")[0];
  assert.equal(readAllocation({ SLURMD_NODENAME: "gpu01" }).nodeName, "gpu01");
  assert.equal(readAllocation({ SLURMD_NODENAME: " " }).nodeName, short);
  assert.equal(readAllocation({}).nodeName, short);
});

Deno.test("localAllocation: this machine, outside any job", () => {
  const local = localAllocation();
  assert.equal(local.jobId, undefined);
  assert.equal(local.cpus, undefined);
  assert.deepEqual(local.gpus, { slurmJobGpus: undefined, cudaVisibleDevices: undefined });
  assert.equal(local.user, userInfo().username);
});
