/**
 * One download out of the transfer folder: a regular file inside it (symlinks resolved, protocol/transfer.ts's
 * path rule), read front to back in chunks. Its size is fixed when it opens; a file that shrinks meanwhile
 * fails the download instead of sending fewer bytes than announced.
 *
 * @module
 */
import { basename } from "node:path";
import { reason, TransferError, type TransferRoot } from "./root.ts";

/** A file being read for a download. */
export class Download {
  /** The file's name (its last path component, as asked for). */
  readonly name: string;
  /** Bytes the download carries. */
  readonly size: number;
  #file: Deno.FsFile | undefined;
  #offset = 0;

  private constructor(file: Deno.FsFile, name: string, size: number) {
    this.#file = file;
    this.name = name;
    this.size = size;
  }

  /**
   * Opens the file at `path` (relative to the root); throws {@linkcode TransferError} when it is refused.
   *
   * @example
   * ```ts
   * import { Download } from "./download.ts";
   * import { TransferRoot } from "./root.ts";
   * const download = await Download.open(await TransferRoot.open(Deno.cwd()), "README.md");
   * const first = await download.read(1024);
   * download.close();
   * ```
   */
  static async open(root: TransferRoot, path: string): Promise<Download> {
    const { path: real } = await root.file(path);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(real, { read: true });
    } catch (error) {
      throw new TransferError(`${JSON.stringify(path)} cannot be read: ${reason(error)}`);
    }
    // The size of what was opened, not of what the path named a moment before.
    const size = (await file.stat()).size;
    return new Download(file, basename(path), size);
  }

  /** Bytes read so far. */
  get offset(): number {
    return this.#offset;
  }

  /**
   * Reads the next `max` bytes at most (fewer only at the end of the announced size).
   *
   * @example
   * ```ts
   * import type { Download } from "./download.ts";
   * declare const download: Download;
   * const chunk = await download.read(131072);
   * ```
   */
  async read(max: number): Promise<Uint8Array> {
    if (!this.#file) throw new TransferError("the download has ended");
    const out = new Uint8Array(Math.min(max, this.size - this.#offset));
    for (let done = 0; done < out.byteLength;) {
      const n = await this.#file.read(out.subarray(done));
      if (n === null) throw new TransferError(`${JSON.stringify(this.name)} got shorter while it was read`);
      done += n;
    }
    this.#offset += out.byteLength;
    return out;
  }

  /**
   * Closes the file; safe to call more than once.
   *
   * @example
   * ```ts
   * import type { Download } from "./download.ts";
   * declare const download: Download;
   * download.close();
   * ```
   */
  close(): void {
    try {
      this.#file?.close();
    } catch {
      // Already closed.
    }
    this.#file = undefined;
  }
}
