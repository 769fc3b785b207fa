/**
 * The file transfers of one viewer: answers its `file-*` messages and carries its chunks (protocol/transfer.ts),
 * with a window per transfer in both directions, so a slow link or the gateway's budgets never buffer more
 * than {@linkcode TRANSFER_WINDOW_BYTES} of a file and video keeps flowing beside it. When the viewer leaves,
 * its uploads' temporary files are removed and its downloads closed.
 *
 * @module
 */
import {
  decodeTransferChunk,
  encodeTransferChunk,
  MAX_ACTIVE_TRANSFERS,
  TRANSFER_CHUNK_BYTES,
  TRANSFER_WINDOW_BYTES,
  type TransferClientMessage,
  type TransferServerMessage,
} from "../../protocol/transfer.ts";
import { getLog } from "../../log.ts";
import { Download } from "./download.ts";
import { listFolder } from "./listing.ts";
import { reason, TransferError, type TransferRoot } from "./root.ts";
import { Upload } from "./upload.ts";

const log = getLog("transfer");

/** Where a viewer's transfers go, and how large an upload may be. */
export interface TransferSettings {
  /** The transfer folder. */
  root: TransferRoot;
  /** Largest upload accepted, in bytes. */
  maxBytes: number;
}

/** How the transfers reach their viewer. */
export interface TransferPorts {
  /** Sends a control message to the viewer. */
  send(message: TransferServerMessage): void;
  /** Sends a binary chunk frame to the viewer. */
  sendBytes(bytes: Uint8Array): void;
  /** Who the viewer is, for logs. */
  remote: string;
}

interface UploadEntry {
  kind: "upload";
  upload?: Upload;
  /** Writes run one after the other, in the order the chunks came. */
  queue: Promise<void>;
  /** Bytes received and not yet written: a client that ignores the window is stopped. */
  pending: number;
}

interface DownloadEntry {
  kind: "download";
  download?: Download;
  acked: number;
  pumping: boolean;
}

/**
 * One viewer's transfers.
 *
 * @example
 * ```ts
 * import { TransferRoot, ViewerTransfers } from "./mod.ts";
 * const root = await TransferRoot.open(Deno.cwd());
 * const transfers = new ViewerTransfers({ root, maxBytes: 2 ** 30 }, {
 *   send: (message) => console.log(message),
 *   sendBytes: () => {},
 *   remote: "test",
 * });
 * transfers.handle({ t: "file-list", dir: "" });
 * await transfers.close();
 * ```
 */
export class ViewerTransfers {
  readonly #settings: TransferSettings;
  readonly #ports: TransferPorts;
  readonly #active = new Map<number, UploadEntry | DownloadEntry>();
  /** Uploads and downloads still opening: `close` waits for them (an upload's temporary file exists by then). */
  readonly #opening = new Set<Promise<void>>();
  #closed = false;

  constructor(settings: TransferSettings, ports: TransferPorts) {
    this.#settings = settings;
    this.#ports = ports;
  }

  /** Handles one transfer control message from the viewer. */
  handle(message: TransferClientMessage): void {
    if (this.#closed) return;
    switch (message.t) {
      case "file-list":
        listFolder(this.#settings.root, message.dir).then(
          (listing) => this.#send(listing),
          (error) => this.#send({ t: "file-error", dir: message.dir, message: describe(error) }),
        );
        return;
      case "file-put":
        if (this.#admit(message.id)) this.#track(this.#startUpload(message));
        return;
      case "file-get":
        if (this.#admit(message.id)) this.#track(this.#startDownload(message.id, message.path));
        return;
      case "file-got": {
        const entry = this.#active.get(message.id);
        if (entry?.kind !== "download") return;
        entry.acked = Math.max(entry.acked, message.bytes);
        if (entry.download && entry.acked >= entry.download.size) {
          return void this.#end(message.id, "complete");
        }
        void this.#pump(message.id, entry);
        return;
      }
      case "file-cancel":
        return void this.#end(message.id, "cancelled by the viewer");
    }
  }

  /** Handles one binary chunk frame from the viewer (an upload's bytes). */
  chunk(bytes: Uint8Array): void {
    if (this.#closed) return;
    const chunk = decodeTransferChunk(bytes);
    const entry = chunk && this.#active.get(chunk.id);
    if (!chunk || entry?.kind !== "upload") return; // a cancelled upload's last chunks, or noise
    entry.pending += chunk.data.byteLength;
    if (entry.pending > 2 * TRANSFER_WINDOW_BYTES) {
      return this.#fail(chunk.id, new TransferError("the browser sent past its window: upload stopped"));
    }
    entry.queue = entry.queue.then(async () => {
      const upload = entry.upload;
      if (!upload || this.#active.get(chunk.id) !== entry) return;
      const written = await upload.write(chunk.offset, chunk.data);
      entry.pending -= chunk.data.byteLength;
      this.#send({ t: "file-stored", id: chunk.id, bytes: written });
      if (upload.complete) await this.#finishUpload(chunk.id, entry, upload);
    }).catch((error) => this.#fail(chunk.id, error));
  }

  /** Ends every transfer (the viewer left): uploads leave no file behind. Resolves once they are cleaned up. */
  async close(): Promise<void> {
    this.#closed = true;
    const ids = [...this.#active.keys()];
    await Promise.all(ids.map((id) => this.#end(id, "the viewer left")));
    await Promise.all(this.#opening);
  }

  #track(opening: Promise<void>): void {
    this.#opening.add(opening);
    opening.finally(() => this.#opening.delete(opening));
  }

  #admit(id: number): boolean {
    if (this.#active.has(id)) {
      this.#send({ t: "file-error", id, message: `transfer ${id} is already running` });
      return false;
    }
    if (this.#active.size >= MAX_ACTIVE_TRANSFERS) {
      this.#send({
        t: "file-error",
        id,
        message: `at most ${MAX_ACTIVE_TRANSFERS} transfers run at once: wait for one to finish`,
      });
      return false;
    }
    return true;
  }

  async #startUpload(message: Extract<TransferClientMessage, { t: "file-put" }>): Promise<void> {
    const { id, dir, name, size } = message;
    const entry: UploadEntry = { kind: "upload", queue: Promise.resolve(), pending: 0 };
    this.#active.set(id, entry);
    try {
      const upload = await Upload.start({
        root: this.#settings.root,
        dir,
        name,
        size,
        maxBytes: this.#settings.maxBytes,
      });
      if (this.#active.get(id) !== entry) return void await upload.abort(); // cancelled or left meanwhile
      entry.upload = upload;
      log.info("{remote} uploads {name} ({size} bytes) into {dir}", {
        remote: this.#ports.remote,
        name,
        size,
        dir,
      });
      this.#send({ t: "file-put", id, name: upload.name });
      if (upload.complete) await this.#finishUpload(id, entry, upload); // an empty file
    } catch (error) {
      this.#fail(id, error);
    }
  }

  async #finishUpload(id: number, entry: UploadEntry, upload: Upload): Promise<void> {
    const name = await upload.finish();
    if (this.#active.get(id) === entry) this.#active.delete(id);
    log.info("{remote} uploaded {name} ({size} bytes)", {
      remote: this.#ports.remote,
      name,
      size: upload.size,
    });
    this.#send({ t: "file-done", id, name, size: upload.size });
  }

  async #startDownload(id: number, path: string): Promise<void> {
    const entry: DownloadEntry = { kind: "download", acked: 0, pumping: false };
    this.#active.set(id, entry);
    try {
      const download = await Download.open(this.#settings.root, path);
      if (this.#active.get(id) !== entry) return download.close();
      entry.download = download;
      log.info("{remote} downloads {path} ({size} bytes)", {
        remote: this.#ports.remote,
        path,
        size: download.size,
      });
      this.#send({ t: "file-get", id, name: download.name, size: download.size });
      if (download.size === 0) return this.#end(id, "complete");
      await this.#pump(id, entry);
    } catch (error) {
      this.#fail(id, error);
    }
  }

  /** Sends chunks of a download while its window has room. */
  async #pump(id: number, entry: DownloadEntry): Promise<void> {
    const download = entry.download;
    if (!download || entry.pumping) return;
    entry.pumping = true;
    try {
      while (
        this.#active.get(id) === entry && download.offset < download.size &&
        download.offset - entry.acked < TRANSFER_WINDOW_BYTES
      ) {
        const offset = download.offset;
        const data = await download.read(TRANSFER_CHUNK_BYTES);
        if (this.#active.get(id) !== entry) break;
        this.#ports.sendBytes(encodeTransferChunk({ id, offset, data }));
      }
    } catch (error) {
      this.#fail(id, error);
    } finally {
      entry.pumping = false;
    }
  }

  /** Ends transfer `id` (if it runs): an upload's temporary file goes, a download's file closes. */
  async #end(id: number, why: string): Promise<void> {
    const entry = this.#active.get(id);
    if (!entry) return;
    this.#active.delete(id);
    if (entry.kind === "download") entry.download?.close();
    else await entry.upload?.abort();
    if (why !== "complete") {
      log.info("transfer {id} of {remote} ended: {why}", { id, remote: this.#ports.remote, why });
    }
  }

  #fail(id: number, error: unknown): void {
    if (!this.#active.has(id)) return;
    const message = describe(error);
    void this.#end(id, message);
    this.#send({ t: "file-error", id, message });
  }

  #send(message: TransferServerMessage): void {
    if (!this.#closed) this.#ports.send(message);
  }
}

/** A failure in the words the user sees: a refusal as it was phrased, anything else by its reason. */
function describe(error: unknown): string {
  return error instanceof TransferError ? error.message : `the transfer failed: ${reason(error)}`;
}
