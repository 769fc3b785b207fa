// PATH lookup without spawning a shell.

/** The full path of `command` on PATH, or null. */
export function onPath(command: string, path = Deno.env.get("PATH") ?? ""): string | null {
  for (const dir of path.split(":")) {
    if (!dir) continue;
    try {
      const info = Deno.statSync(`${dir}/${command}`);
      if (info.isFile && (info.mode! & 0o111) !== 0) return `${dir}/${command}`;
    } catch {
      // not here
    }
  }
  return null;
}
