/**
 * One upload into the transfer folder. The bytes go to a temporary file in the target folder
 * (`.selkies-upload-<random>.part`, mode 0600, hidden from listings); only a complete file gets its name,
 * with the mode the user's umask gives new files, by a hard link that never replaces an existing file
 * (`name (1).ext` instead), so a disconnect never leaves half a file under the final name. An abandoned
 * upload's temporary file is removed when its viewer leaves; one left by a killed streamer is swept by the
 * next upload into that folder once it has not changed for {@linkcode STALE_UPLOAD_MS}.
 *
 * @module
 */
import { sizeProblem, UPLOAD_TEMP_PREFIX } from "../../protocol/transfer.ts";
import { getLog } from "../../log.ts";
import { reason, TransferError, TransferRoot } from "./root.ts";

const log = getLog("transfer");

/** A temporary upload file untouched this long belongs to no live upload and is removed. */
export const STALE_UPLOAD_MS = 60 * 60 * 1000;
/** How many numbered names (`a (1).txt` ... ) are tried before an upload gives up. */
const MAX_NUMBERED_NAMES = 999;

/** Options of {@linkcode Upload.start}. */
export interface UploadOptions {
  /** The transfer folder. */
  root: TransferRoot;
  /** The target folder, relative to the root ("" for the root). */
  dir: string;
  /** The file name asked for. */
  name: string;
  /** Size announced by the browser, in bytes. */
  size: number;
  /** Largest upload accepted, in bytes. */
  maxBytes: number;
}

/** An upload in progress. */
export class Upload {
  /** The name the file will get unless it is taken by the time the upload completes. */
  readonly name: string;
  /** The announced size. */
  readonly size: number;
  #received = 0;
  #file: Deno.FsFile | undefined;
  readonly #folder: string;
  readonly #temp: string;

  private constructor(folder: string, temp: string, file: Deno.FsFile, name: string, size: number) {
    this.#folder = folder;
    this.#temp = temp;
    this.#file = file;
    this.name = name;
    this.size = size;
  }

  /**
   * Checks the name, size and folder, and creates the temporary file; throws {@linkcode TransferError} with
   * the reason when refused.
   *
   * @example
   * ```ts
   * import { TransferRoot } from "./root.ts";
   * import { Upload } from "./upload.ts";
   * const root = await TransferRoot.open(await Deno.makeTempDir());
   * const upload = await Upload.start({ root, dir: "", name: "hello.txt", size: 5, maxBytes: 1024 });
   * await upload.write(0, new TextEncoder().encode("hello"));
   * await upload.finish(); // "hello.txt"
   * ```
   */
  static async start(options: UploadOptions): Promise<Upload> {
    TransferRoot.checkName(options.name);
    const tooBig = sizeProblem(options.name, options.size, options.maxBytes);
    if (tooBig) throw new TransferError(`refused: ${tooBig}`);
    const folder = await options.root.folder(options.dir);
    await sweepStale(folder);
    const temp = `${folder}/${UPLOAD_TEMP_PREFIX}${randomHex()}.part`;
    let file: Deno.FsFile;
    try {
      file = await Deno.open(temp, { write: true, createNew: true, mode: 0o600 });
    } catch (error) {
      throw new TransferError(`cannot write into ${JSON.stringify(options.dir || ".")}: ${reason(error)}`);
    }
    const name = await freeName(folder, options.name);
    return new Upload(folder, temp, file, name, options.size);
  }

  /** Bytes written so far. */
  get received(): number {
    return this.#received;
  }

  /** Whether every announced byte is written. */
  get complete(): boolean {
    return this.#received === this.size;
  }

  /**
   * Writes the chunk at `offset`, which must be where the last one ended; resolves to the bytes written so
   * far. Throws {@linkcode TransferError} for a chunk out of order or past the announced size.
   *
   * @example
   * ```ts
   * import type { Upload } from "./upload.ts";
   * declare const upload: Upload;
   * await upload.write(0, new Uint8Array(131072)); // 131072
   * ```
   */
  async write(offset: number, data: Uint8Array): Promise<number> {
    const file = this.#open();
    if (offset !== this.#received) {
      throw new TransferError(`a chunk came out of order (at ${offset}, expected ${this.#received})`);
    }
    if (offset + data.byteLength > this.size) {
      throw new TransferError(`more bytes came than the ${this.size} announced`);
    }
    for (let done = 0; done < data.byteLength;) {
      done += await file.write(data.subarray(done));
    }
    return this.#received += data.byteLength;
  }

  /**
   * Gives the complete file its name (the one asked for, or the first free `name (n).ext`) and the umask's
   * mode; resolves to that name.
   *
   * @example
   * ```ts
   * import type { Upload } from "./upload.ts";
   * declare const upload: Upload;
   * const name = await upload.finish(); // "data (1).bin" when data.bin exists
   * ```
   */
  async finish(): Promise<string> {
    if (!this.complete) {
      throw new TransferError(`the upload is incomplete (${this.#received} of ${this.size})`);
    }
    const file = this.#open();
    this.#file = undefined;
    await file.sync().catch(() => {}); // a file system without fsync still gets the bytes
    file.close();
    await Deno.chmod(this.#temp, 0o666 & ~Deno.umask());
    for (let n = 0; n <= MAX_NUMBERED_NAMES; n++) {
      const name = numbered(this.name, n);
      if (await claim(this.#temp, `${this.#folder}/${name}`)) {
        await Deno.remove(this.#temp).catch(() => {});
        return name;
      }
    }
    await this.abort();
    throw new TransferError(
      `${JSON.stringify(this.name)} and ${MAX_NUMBERED_NAMES} numbered names are taken`,
    );
  }

  /**
   * Ends the upload without a file: closes and removes the temporary file. Safe to call more than once.
   *
   * @example
   * ```ts
   * import type { Upload } from "./upload.ts";
   * declare const upload: Upload;
   * await upload.abort();
   * ```
   */
  async abort(): Promise<void> {
    try {
      this.#file?.close();
    } catch {
      // Already closed.
    }
    this.#file = undefined;
    await Deno.remove(this.#temp).catch(() => {});
  }

  #open(): Deno.FsFile {
    if (!this.#file) throw new TransferError("the upload has ended");
    return this.#file;
  }
}

/**
 * Links `temp` to `target` unless `target` exists; true when it did. A hard link fails on an existing name
 * atomically; where links are not supported, a rename after a check (which may race a file made in between).
 */
async function claim(temp: string, target: string): Promise<boolean> {
  try {
    await Deno.link(temp, target);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    log.debug("hard link refused ({error}); renaming", { error: String(error) });
  }
  try {
    await Deno.lstat(target);
    return false;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.rename(temp, target);
  return true;
}

/** `name` for n = 0, else `stem (n).ext` (`a.tar.gz` -> `a (1).tar.gz`, `.bashrc` -> `.bashrc (1)`). */
function numbered(name: string, n: number): string {
  if (n === 0) return name;
  const ext = /(\.tar)?\.[^.]+$/.exec(name);
  const at = ext && ext.index > 0 ? ext.index : name.length;
  return `${name.slice(0, at)} (${n})${name.slice(at)}`;
}

/** The first of `name`, `name (1)`... not taken in `folder` now (the final check is {@linkcode claim}'s). */
async function freeName(folder: string, name: string): Promise<string> {
  for (let n = 0; n < MAX_NUMBERED_NAMES; n++) {
    const candidate = numbered(name, n);
    try {
      await Deno.lstat(`${folder}/${candidate}`);
    } catch {
      return candidate;
    }
  }
  return name;
}

/** Removes temporary upload files in `folder` that nothing has written to for {@linkcode STALE_UPLOAD_MS}. */
async function sweepStale(folder: string): Promise<void> {
  try {
    for await (const item of Deno.readDir(folder)) {
      if (!item.isFile || !item.name.startsWith(UPLOAD_TEMP_PREFIX)) continue;
      const path = `${folder}/${item.name}`;
      const info = await Deno.lstat(path).catch(() => undefined);
      if (info?.mtime && Date.now() - info.mtime.getTime() > STALE_UPLOAD_MS) {
        await Deno.remove(path).catch(() => {});
        log.info("removed an abandoned upload {path}", { path });
      }
    }
  } catch {
    // An unreadable folder: the upload itself says so.
  }
}

function randomHex(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}
