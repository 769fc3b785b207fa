/**
 * A throwaway network namespace joined to the root namespace by one veth pair, so a process inside
 * it can reach only the root side's address (and nothing can reach it but through that link).
 *
 * @module
 */
import { randomBytes } from "node:crypto";

/** A network namespace with one veth link to the root namespace. */
export interface NetNamespace extends AsyncDisposable {
  /** Namespace name (`ip netns` name). */
  name: string;
  /** Path to pass to `nsenter --net=`. */
  path: string;
  /** Address of the root namespace's end of the link. */
  hostIp: string;
  /** Address of the namespace's end of the link. */
  nsIp: string;
  /** The command line that runs a command given after it inside the namespace (nsenter, which keeps /sys). */
  enter: string[];
  /** A `Deno.Command` running `command` inside the namespace (through {@linkcode NetNamespace.enter}). */
  command(command: string, options?: Deno.CommandOptions): Deno.Command;
  /** Deletes the link and the namespace. Idempotent. */
  close(): Promise<void>;
}

async function ip(...args: string[]): Promise<void> {
  const out = await new Deno.Command("ip", { args, stdout: "null", stderr: "piped" }).output();
  if (!out.success) throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
}

/**
 * Creates a namespace `selkies-<random>` with a /30 link in 10.199.x.y (random, so parallel tests
 * do not collide). Needs root (CAP_NET_ADMIN).
 *
 * @example
 * ```ts
 * import { createNetNamespace } from "./netns.ts";
 * await using ns = await createNetNamespace();
 * await ns.command("ip", { args: ["addr"] }).output();
 * ```
 */
export async function createNetNamespace(): Promise<NetNamespace> {
  const tag = randomBytes(3).toString("hex");
  const name = `selkies-${tag}`, outer = `sk${tag}a`, inner = `sk${tag}b`;
  const [a, b] = randomBytes(2);
  const base = `10.199.${a}.${b & 0xfc}`.split(".").map(Number);
  const hostIp = [...base.slice(0, 3), base[3] + 1].join("."),
    nsIp = [...base.slice(0, 3), base[3] + 2].join(".");
  const path = `/run/netns/${name}`;
  const inNs = (...args: string[]) => ip("-n", name, ...args);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await ip("link", "del", outer).catch(() => {});
    await ip("netns", "del", name).catch(() => {});
  };
  try {
    await ip("netns", "add", name);
    await ip("link", "add", outer, "type", "veth", "peer", "name", inner);
    await ip("link", "set", inner, "netns", name);
    await ip("addr", "add", `${hostIp}/30`, "dev", outer);
    await ip("link", "set", outer, "up");
    await inNs("addr", "add", `${nsIp}/30`, "dev", inner);
    await inNs("link", "set", inner, "up");
    await inNs("link", "set", "lo", "up");
  } catch (error) {
    await close();
    throw error;
  }
  const [nsenter, ...enterArgs] = ["nsenter", `--net=${path}`, "--"];
  return {
    name,
    path,
    hostIp,
    nsIp,
    enter: [nsenter, ...enterArgs],
    command: (command, options = {}) =>
      new Deno.Command(nsenter, { ...options, args: [...enterArgs, command, ...(options.args ?? [])] }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
