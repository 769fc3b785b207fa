// Test helper: a real process that holds a known amount of touched memory, or keeps a core busy.

/** A python3 one-liner that allocates `mib` MiB, writes to every page, says "ready", and waits on stdin. */
export function holdMemoryScript(mib: number): string {
  return [
    "import sys",
    `b = bytearray(${mib} << 20)`,
    "b[::4096] = b'\\x01' * len(range(0, len(b), 4096))",
    "print('ready', flush=True)",
    "sys.stdin.read()",
  ].join("\n");
}

/** A python3 one-liner that spins until killed. */
export const SPIN_SCRIPT = "while True: pass";

/** `VmRSS` of `pid` in bytes, from /proc/<pid>/status (another reading than the telemetry's /proc stat). */
export function vmRss(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
  return match ? Number(match[1]) * 1024 : 0;
}
