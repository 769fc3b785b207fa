/**
 * A folder's listing for the transfer panel: names, sizes, modification times; folders first. Entries that
 * lead out of the transfer folder (symlinks), and names a transfer may not carry, are listed as `other`, so
 * they can be neither browsed nor downloaded; uploads in progress (their temporary files) are not listed.
 *
 * @module
 */
import {
  MAX_LISTING_ENTRIES,
  nameProblem,
  type TransferEntry,
  type TransferServerMessage,
  UPLOAD_TEMP_PREFIX,
} from "../../protocol/transfer.ts";
import { reason, TransferError, type TransferRoot } from "./root.ts";

/**
 * Lists the folder at `relative` inside `root`; throws {@linkcode TransferError} for a refused path.
 *
 * @example
 * ```ts
 * import { listFolder } from "./listing.ts";
 * import { TransferRoot } from "./root.ts";
 * const listing = await listFolder(await TransferRoot.open(Deno.cwd()), "");
 * listing.entries.length >= 0; // true
 * ```
 */
export async function listFolder(
  root: TransferRoot,
  relative: string,
): Promise<Extract<TransferServerMessage, { t: "file-list" }>> {
  const folder = await root.folder(relative);
  const entries: TransferEntry[] = [];
  let truncated = false;
  try {
    for await (const item of Deno.readDir(folder)) {
      if (item.name.startsWith(UPLOAD_TEMP_PREFIX)) continue;
      if (entries.length === MAX_LISTING_ENTRIES) {
        truncated = true;
        break;
      }
      entries.push(await describe(root, `${folder}/${item.name}`, item));
    }
  } catch (error) {
    throw new TransferError(`${JSON.stringify(relative || ".")} cannot be listed: ${reason(error)}`);
  }
  const rank = (e: TransferEntry) => e.kind === "dir" ? 0 : 1;
  entries.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  return { t: "file-list", dir: relative, entries, truncated };
}

async function describe(root: TransferRoot, path: string, item: Deno.DirEntry): Promise<TransferEntry> {
  const other = { name: item.name, kind: "other" as const, size: 0, mtime: 0 };
  // A name no transfer message may carry (a newline in it, say) is shown but offered for nothing.
  if (nameProblem(item.name)) return other;
  try {
    if (item.isSymlink && !root.contains(await Deno.realPath(path))) return other;
    const info = await Deno.stat(path);
    const kind = info.isDirectory ? "dir" : info.isFile ? "file" : "other";
    return { name: item.name, kind, size: info.isFile ? info.size : 0, mtime: info.mtime?.getTime() ?? 0 };
  } catch {
    return other; // a dangling link, or gone since readDir
  }
}
