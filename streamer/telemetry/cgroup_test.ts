import assert from "node:assert/strict";
import { cgroup2Mount, cgroupPath, findJobCgroup, readCgroup } from "./cgroup.ts";

// This box has no cgroup v2 with controllers (a v1 node, as the SLURM harness runs): the v2 reading is tested
// on a folder laid out as the kernel lays out /sys/fs/cgroup under SLURM's task/cgroup.

const JOB = "system.slice/slurmstepd.scope/job_42";
const TASK = `${JOB}/step_batch/user/task_0`;

async function fakeHierarchy(): Promise<string> {
  const top = await Deno.makeTempDir({ prefix: "selkies-cgroup-test-" });
  const write = async (dir: string, files: Record<string, string>) => {
    await Deno.mkdir(`${top}/${dir}`, { recursive: true });
    for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${top}/${dir}/${name}`, text);
  };
  await write("system.slice", { "memory.max": "max\n" });
  await write(JOB, {
    "cpu.stat": "usage_usec 5000000\nuser_usec 4000000\nsystem_usec 1000000\n",
    "memory.current": "734003200\n",
    "memory.stat": "anon 600000000\nfile 134003200\ninactive_file 100000000\nactive_file 34003200\n",
    "memory.max": "1073741824\n",
    "memory.events": "low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n",
  });
  await write(TASK, { "cpu.stat": "usage_usec 10\n", "memory.current": "5\n", "memory.max": "max\n" });
  return top;
}

const mountinfo = (top: string) =>
  "24 1 0:22 / /proc rw - proc proc rw\n" +
  `35 24 0:30 / ${top.replace(/ /g, "\\040")} rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate\n`;

Deno.test("cgroupPath and cgroup2Mount read /proc/self/cgroup and mountinfo lines", () => {
  assert.equal(cgroupPath("4:memory:/a\n0::/x/y\n"), "/x/y");
  assert.equal(cgroupPath("4:memory:/a\n"), undefined, "cgroup v1 only");
  assert.deepEqual(cgroup2Mount("35 24 0:30 /ns /sys/fs/my\\040cgroup rw - cgroup2 cgroup2 rw\n"), {
    root: "/ns",
    mountPoint: "/sys/fs/my cgroup",
  });
  assert.equal(cgroup2Mount("36 24 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"), undefined);
});

Deno.test("findJobCgroup climbs from the task's cgroup to job_<id>; readCgroup reads the job's figures", async () => {
  const top = await fakeHierarchy();
  try {
    const found = findJobCgroup({ jobId: "42", procCgroup: `0::/${TASK}\n`, mountinfo: mountinfo(top) });
    assert.deepEqual(found, { dir: `${top}/${JOB}`, mountPoint: top });
    const reading = readCgroup(found!);
    assert.deepEqual(reading, {
      usageUsec: 5_000_000,
      workingSetBytes: 734003200 - 100000000, // the inactive page cache left out
      limitBytes: 1073741824,
      oomKills: 1,
    });
    // Another job's id (or none): this process's own cgroup, which is usable here too.
    const own = findJobCgroup({ jobId: "7", procCgroup: `0::/${TASK}\n`, mountinfo: mountinfo(top) });
    assert.equal(own?.dir, `${top}/${TASK}`);
    // A parent's limit binds the child: the smallest memory.max on the way up counts.
    assert.equal(readCgroup(own!).limitBytes, 1073741824);
    // The limit lowered on the job: read again.
    await Deno.writeTextFile(`${top}/${JOB}/memory.max`, "max\n");
    assert.equal(readCgroup(found!).limitBytes, undefined);
  } finally {
    await Deno.remove(top, { recursive: true });
  }
});

Deno.test("findJobCgroup: no usable cgroup v2 on a v1 node, at the root, or outside the mounted part", async () => {
  const top = await fakeHierarchy();
  try {
    const v1 = "36 24 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
    assert.equal(findJobCgroup({ procCgroup: `0::/${TASK}\n`, mountinfo: v1 }), undefined);
    assert.equal(findJobCgroup({ procCgroup: "0::/\n", mountinfo: mountinfo(top) }), undefined, "root");
    const nsRoot = mountinfo(top).replace(" / " + top, " /elsewhere " + top);
    assert.equal(findJobCgroup({ procCgroup: `0::/${TASK}\n`, mountinfo: nsRoot }), undefined);
    // A folder without the memory controller's files (a hybrid mount, this box's /sys/fs/cgroup/unified).
    await Deno.remove(`${top}/${TASK}/memory.current`);
    assert.equal(findJobCgroup({ procCgroup: `0::/${TASK}\n`, mountinfo: mountinfo(top) }), undefined);
    // This process, on this box: whatever it finds must be readable.
    const here = findJobCgroup();
    if (here) assert.ok(readCgroup(here).usageUsec > 0);
  } finally {
    await Deno.remove(top, { recursive: true });
  }
});
