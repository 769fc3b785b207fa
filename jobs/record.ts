/**
 * Per-session records on the submit host, under `$XDG_DATA_HOME/selkies-hpc/sessions/`
 * (default `~/.local/share/...`): one private folder per session holding its secret `token` file and
 * a JSON record of the job. The token never goes into the record (its URL is stored without
 * `?token=`; jobs/session_link.ts rebuilds the link), argv or logs. Records of ended jobs are removed
 * by jobs/prune_records.ts.
 *
 * @module
 */
import { writeSessionToken } from "./session_token.ts";
import { join } from "node:path";
import { sessionKeys } from "../protocol/session_id.ts";
import { newSecret, writePrivateFile } from "../secrets.ts";
import { bareSessionUrl } from "./session_link.ts";

/**
 * What selkies-hpc remembers about one submitted session (no secrets).
 *
 * @example
 * ```ts
 * import type { SessionRecord } from "./record.ts";
 * const r: SessionRecord = { jobId: "12", sessionId: "abc", dir: "/tmp/abc", createdAt: new Date().toISOString() };
 * ```
 */
export interface SessionRecord {
  /** SLURM job id. */
  jobId: string;
  /** Id of the session folder. */
  sessionId: string;
  /** The session folder (mode 0700; holds the `token` file). */
  dir: string;
  /** Node the job runs on, once known. */
  node?: string;
  /** Address of the session once known, without its secret (writeRecord strips `?token=`). */
  url?: string;
  /** When the session was created (ISO 8601). */
  createdAt: string;
  /** When selkies-hpc first saw the job ended or gone from SLURM (ISO 8601). */
  endedAt?: string;
  /** The job's last state SLURM showed once it ended, e.g. `CANCELLED`. */
  endState?: string;
}

/**
 * A fresh session folder and its secret.
 *
 * @example
 * ```ts
 * import { createSessionDir, type SessionDir } from "./record.ts";
 * const session: SessionDir = await createSessionDir();
 * ```
 */
export interface SessionDir {
  /** Id derived from the token (protocol/session_id.ts), so only this session can claim it; the folder's name. */
  sessionId: string;
  /** Absolute path of the folder. */
  dir: string;
  /** 256-bit secret, base64url; also stored in `<dir>/token` (mode 0600). */
  token: string;
}

/**
 * Options of the record functions.
 *
 * @example
 * ```ts
 * import { listRecords } from "./record.ts";
 * await listRecords({ root: "/tmp/sessions" });
 * ```
 */
export interface RecordOptions {
  /** Folder holding the session folders. @default {sessionsRoot()} */
  root?: string;
}

/**
 * Returns the folder holding all session folders: `$XDG_DATA_HOME/selkies-hpc/sessions`, else
 * `$HOME/.local/share/selkies-hpc/sessions`.
 *
 * @example
 * ```ts
 * import { sessionsRoot } from "./record.ts";
 * sessionsRoot(); // e.g. "/home/alice/.local/share/selkies-hpc/sessions"
 * ```
 */
export function sessionsRoot(): string {
  const xdg = Deno.env.get("XDG_DATA_HOME");
  const base = xdg && xdg.startsWith("/") ? xdg : join(Deno.env.get("HOME") ?? "/", ".local", "share");
  return join(base, "selkies-hpc", "sessions");
}

/**
 * Creates a private session folder (0700) with a fresh 256-bit token in `token` (0600), named by the
 * session id derived from that token (public, but claimable at the gateway only with the token).
 *
 * @example
 * ```ts
 * import { createSessionDir } from "./record.ts";
 * const { sessionId, dir } = await createSessionDir();
 * ```
 */
export async function createSessionDir(options: RecordOptions = {}): Promise<SessionDir> {
  const root = options.root ?? sessionsRoot();
  await Deno.mkdir(root, { recursive: true, mode: 0o700 });
  const token = newSecret();
  const { sessionId } = sessionKeys(token);
  const dir = join(root, sessionId);
  // mkdir's mode is filtered by the umask; chmod makes it exact.
  await Deno.mkdir(dir, { mode: 0o700 });
  await Deno.chmod(dir, 0o700);
  await writeSessionToken(dir, token);
  return { sessionId, dir, token };
}

/**
 * Writes (or replaces) a session's record atomically as `<dir>/record.json` (0600); a `url` is
 * stored without its secret.
 *
 * @example
 * ```ts
 * import { createSessionDir, writeRecord } from "./record.ts";
 * const { sessionId, dir } = await createSessionDir();
 * await writeRecord({ jobId: "1234", sessionId, dir, createdAt: new Date().toISOString() });
 * ```
 */
export async function writeRecord(record: SessionRecord): Promise<void> {
  const stored = record.url === undefined ? record : { ...record, url: bareSessionUrl(record.url) };
  await writePrivateFile(join(record.dir, "record.json"), JSON.stringify(stored, null, 2) + "\n");
}

/**
 * Returns the record of a job, or undefined when none exists.
 *
 * @example
 * ```ts
 * import { readRecord } from "./record.ts";
 * const record = await readRecord("1234");
 * ```
 */
export async function readRecord(
  jobId: string,
  options: RecordOptions = {},
): Promise<SessionRecord | undefined> {
  return (await listRecords(options)).find((r) => r.jobId === jobId);
}

/**
 * Returns every readable record, oldest first; folders without a valid record are skipped.
 *
 * @example
 * ```ts
 * import { listRecords } from "./record.ts";
 * for (const r of await listRecords()) console.log(r.jobId, r.node ?? "");
 * ```
 */
export async function listRecords(options: RecordOptions = {}): Promise<SessionRecord[]> {
  const root = options.root ?? sessionsRoot();
  const records: SessionRecord[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(root));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  for (const entry of entries) {
    if (!entry.isDirectory) continue;
    try {
      const r = JSON.parse(await Deno.readTextFile(join(root, entry.name, "record.json")));
      if (isRecord(r)) records.push(r);
    } catch {
      // A folder whose record is missing or half-written is not a session yet.
    }
  }
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/**
 * Removes the folder (record and token) of a job's session; returns whether one existed.
 *
 * @example
 * ```ts
 * import { removeRecord } from "./record.ts";
 * await removeRecord("1234");
 * ```
 */
export async function removeRecord(jobId: string, options: RecordOptions = {}): Promise<boolean> {
  const root = options.root ?? sessionsRoot();
  const record = await readRecord(jobId, { root });
  if (!record) return false;
  // Remove the folder named by the session id under root, never a path taken from the file.
  try {
    await Deno.remove(join(root, record.sessionId), { recursive: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false; // removed meanwhile (another prune)
    throw e;
  }
  return true;
}

function isRecord(r: unknown): r is SessionRecord {
  const o = r as Record<string, unknown>;
  return !!o && typeof o.jobId === "string" && typeof o.sessionId === "string" &&
    /^[\w-]+$/.test(o.sessionId) && typeof o.dir === "string" && typeof o.createdAt === "string";
}
