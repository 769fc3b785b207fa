/**
 * The transfer folder and the one rule every transfer obeys: nothing is read or written outside it. A path
 * from the browser is first checked as names (protocol/transfer.ts: no `..`, no `/`, no absolute paths, no
 * control characters), then resolved with `realpath`, so a symlink inside the folder that points out of it
 * (`data -> /etc`) is refused as well.
 *
 * The streamer runs as the job's user, who can reach these files anyway: the rule keeps a viewer's messages
 * (a buggy page, a hostile share link's owner cannot: view-only viewers may not transfer) from reaching files
 * the user did not put in the transfer folder, not the user from their own files.
 *
 * @module
 */
import { SelkiesError } from "../../errors.ts";
import { nameProblem, splitRelativePath } from "../../protocol/transfer.ts";

/** A refused or failed transfer step; its message is shown to the user as it is. */
export class TransferError extends SelkiesError {}

/** The folder transfers are confined to, resolved to its real path. */
export class TransferRoot {
  /** The real path of the folder (symlinks resolved). */
  readonly path: string;

  private constructor(path: string) {
    this.path = path;
  }

  /**
   * Opens the transfer folder; throws {@linkcode TransferError} when it does not exist or is not a folder.
   *
   * @example
   * ```ts
   * import { TransferRoot } from "./root.ts";
   * const root = await TransferRoot.open(Deno.cwd());
   * await root.folder(""); // the folder itself
   * ```
   */
  static async open(dir: string): Promise<TransferRoot> {
    let real: string;
    try {
      real = await Deno.realPath(dir);
    } catch (error) {
      throw new TransferError(`the transfer folder ${dir} cannot be opened: ${reason(error)}`);
    }
    if (!(await Deno.stat(real)).isDirectory) {
      throw new TransferError(`the transfer folder ${dir} is not a folder`);
    }
    return new TransferRoot(real);
  }

  /**
   * The real path of the folder at `relative` ("" is the root); throws {@linkcode TransferError} for a bad
   * path, one that leaves the root through a symlink, or one that is not a folder.
   *
   * @example
   * ```ts
   * import { TransferRoot } from "./root.ts";
   * const root = await TransferRoot.open("/tmp");
   * await root.folder("../etc").catch((e) => e.message); // "the name \"..\" names a folder, not a file: ..."
   * ```
   */
  async folder(relative: string): Promise<string> {
    const real = await this.#resolve(relative);
    const info = await Deno.stat(real);
    if (!info.isDirectory) throw new TransferError(`${JSON.stringify(relative)} is not a folder`);
    return real;
  }

  /**
   * The real path and size of the regular file at `relative`; throws {@linkcode TransferError} otherwise.
   *
   * @example
   * ```ts
   * import { TransferRoot } from "./root.ts";
   * const root = await TransferRoot.open(Deno.cwd());
   * const { path, size } = await root.file("README.md");
   * ```
   */
  async file(relative: string): Promise<{ path: string; size: number }> {
    if (relative === "") throw new TransferError("give the path of a file to download");
    const real = await this.#resolve(relative);
    const info = await Deno.stat(real);
    if (!info.isFile) throw new TransferError(`${JSON.stringify(relative)} is not a regular file`);
    return { path: real, size: info.size };
  }

  /**
   * Whether a real (symlink-free) path is the root or inside it.
   *
   * @example
   * ```ts
   * import { TransferRoot } from "./root.ts";
   * const root = await TransferRoot.open("/tmp");
   * root.contains("/etc/passwd"); // false
   * ```
   */
  contains(real: string): boolean {
    if (this.path === "/") return real.startsWith("/");
    return real === this.path || real.startsWith(`${this.path}/`);
  }

  /**
   * Checks an upload's file name (protocol/transfer.ts's rule); throws {@linkcode TransferError} with the
   * reason.
   *
   * @example
   * ```ts
   * import { TransferRoot } from "./root.ts";
   * TransferRoot.checkName("report.pdf"); // ok
   * ```
   */
  static checkName(name: string): void {
    const problem = nameProblem(name);
    if (problem) throw new TransferError(`refused: ${problem}`);
  }

  async #resolve(relative: string): Promise<string> {
    const names = splitRelativePath(relative);
    if (typeof names === "string") throw new TransferError(`refused: ${names}`);
    const joined = [this.path === "/" ? "" : this.path, ...names].join("/") || "/";
    let real: string;
    try {
      real = await Deno.realPath(joined);
    } catch (error) {
      throw new TransferError(`${JSON.stringify(relative)} cannot be opened: ${reason(error)}`);
    }
    if (!this.contains(real)) {
      throw new TransferError(
        `refused: ${JSON.stringify(relative)} leads out of the transfer folder (a symlink)`,
      );
    }
    return real;
  }
}

/**
 * A file system error's reason in words a user understands (without the paths of the streamer's side).
 *
 * @example
 * ```ts
 * import { reason } from "./root.ts";
 * reason(new Deno.errors.NotFound("No such file or directory (os error 2): open '/x'")); // "it does not exist"
 * ```
 */
export function reason(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "it does not exist";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Error) return error.message.replace(/ \(os error \d+\).*$/, "");
  return String(error);
}
