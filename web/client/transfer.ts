/**
 * File transfer in the browser (protocol/transfer.ts): uploads from the file picker or a drop on the page,
 * downloads from the folder listing, each over the viewer's own WebSocket in 128 KiB chunks with at most
 * 1 MiB unacknowledged, so video keeps flowing beside it. A lost connection fails the transfers in progress
 * (the streamer removes an unfinished upload's temporary file); starting again is the user's choice.
 *
 * @module
 */
import type { ClientMessage, ServerMessage } from "../../protocol/protocol.ts";
import {
  decodeTransferChunk,
  encodeTransferChunk,
  isTransferFrame,
  nameProblem,
  sizeProblem,
  TRANSFER_CHUNK_BYTES,
  TRANSFER_WINDOW_BYTES,
  type TransferHello,
  type TransferServerMessage,
} from "../../protocol/transfer.ts";
import { type ClientTransfer, TransferPanel } from "./_transfer_panel.ts";

export type { ClientTransfer };

interface Upload extends ClientTransfer {
  direction: "up";
  file: File;
  dir: string;
  sent: number;
  pumping: boolean;
}

interface Download extends ClientTransfer {
  direction: "down";
  parts: Uint8Array[];
}

/** How {@linkcode FileTransfers} reaches the streamer. */
export interface FileTransfersOptions {
  /** Sends a control message. */
  send(message: ClientMessage): void;
  /** Sends a binary frame; false when the socket is not open. */
  sendBytes(bytes: Uint8Array): boolean;
}

/**
 * The page's file transfers and their panel (a Files button in the overlay, a listing, the transfers' list).
 *
 * @example
 * ```ts
 * import { FileTransfers } from "./transfer.ts";
 * declare const socket: WebSocket;
 * const files = new FileTransfers(document, {
 *   send: (message) => socket.send(JSON.stringify(message)),
 *   sendBytes: (bytes) => (socket.send(bytes), true),
 * });
 * files.configure({ maxBytes: 2 ** 31 }); // from the hello
 * ```
 */
export class FileTransfers {
  readonly #options: FileTransfersOptions;
  readonly #panel: TransferPanel;
  readonly #transfers = new Map<number, Upload | Download>();
  #hello: TransferHello | undefined;
  #dir = "";
  #nextId = 1;

  constructor(doc: Document, options: FileTransfersOptions) {
    this.#options = options;
    this.#panel = new TransferPanel(doc, {
      open: (dir) => this.list(dir),
      download: (path, name) => this.download(path, name),
      upload: (files) => this.uploadAll(files),
      cancel: (id) => this.cancel(id),
    });
  }

  /** Turns transfer on (with the hello's limits) or off (`undefined`: view-only, or an older server). */
  configure(hello: TransferHello | undefined): void {
    this.#hello = hello;
    this.#panel.enable(hello);
    if (hello && !hello.unavailable && this.#panel.open) this.list(this.#dir);
  }

  /** Asks for the listing of `dir` (relative to the transfer folder). */
  list(dir: string): void {
    this.#dir = dir;
    this.#options.send({ t: "file-list", dir });
  }

  /** Uploads files into the folder shown now. */
  uploadAll(files: Iterable<File>): void {
    for (const file of files) this.upload(file, this.#dir);
  }

  /** Uploads one file into `dir`; refused at once (with the reason shown) when its name or size is. */
  upload(file: File, dir: string): void {
    const id = this.#nextId++;
    const upload: Upload = {
      id,
      direction: "up",
      name: file.name,
      size: file.size,
      done: 0,
      state: "waiting",
      file,
      dir,
      sent: 0,
      pumping: false,
    };
    this.#transfers.set(id, upload);
    const problem = !this.#hello
      ? "file transfer is not available to this viewer"
      : this.#hello.unavailable ?? nameProblem(file.name) ??
        sizeProblem(file.name, file.size, this.#hello.maxBytes);
    if (problem) this.#fail(upload, problem);
    else this.#options.send({ t: "file-put", id, dir, name: file.name, size: file.size });
    this.#panel.show();
    this.#panel.render(this.#transfers.values());
  }

  /** Downloads the file at `path`; the browser saves it as `name` when complete. */
  download(path: string, name: string): void {
    const id = this.#nextId++;
    this.#transfers.set(id, { id, direction: "down", name, size: 0, done: 0, state: "waiting", parts: [] });
    this.#options.send({ t: "file-get", id, path });
    this.#panel.render(this.#transfers.values());
  }

  /** Cancels a transfer in progress. */
  cancel(id: number): void {
    const transfer = this.#transfers.get(id);
    if (!transfer || !active(transfer)) return;
    transfer.state = "cancelled";
    this.#options.send({ t: "file-cancel", id });
    this.#panel.render(this.#transfers.values());
  }

  /** Handles a server message; true when it was a transfer message. */
  handle(message: ServerMessage): boolean {
    if (!message.t.startsWith("file-")) return false;
    this.#on(message as TransferServerMessage);
    this.#panel.render(this.#transfers.values());
    return true;
  }

  /** Handles a binary frame; true when it was a transfer chunk. */
  chunk(bytes: Uint8Array): boolean {
    if (!isTransferFrame(bytes)) return false;
    const chunk = decodeTransferChunk(bytes);
    const download = chunk && this.#transfers.get(chunk.id);
    if (!chunk || download?.direction !== "down" || download.state !== "running") return true;
    if (chunk.offset !== download.done) {
      this.#fail(download, "a chunk came out of order");
      this.#options.send({ t: "file-cancel", id: download.id });
    } else {
      download.parts.push(chunk.data);
      download.done += chunk.data.byteLength;
      this.#options.send({ t: "file-got", id: download.id, bytes: download.done });
      if (download.done >= download.size) this.#save(download);
    }
    this.#panel.render(this.#transfers.values());
    return true;
  }

  /** The socket closed: transfers in progress fail (the streamer drops its side). */
  connectionLost(): void {
    for (const transfer of this.#transfers.values()) {
      if (active(transfer)) this.#fail(transfer, "the connection was lost: start the transfer again");
    }
    this.#panel.render(this.#transfers.values());
  }

  #on(message: TransferServerMessage): void {
    if (message.t === "file-list") return this.#panel.listing(message);
    if (message.t === "file-error" && message.id === undefined) {
      return this.#panel.listingError(message.message);
    }
    const transfer = this.#transfers.get(message.id!);
    if (!transfer || !active(transfer)) return;
    switch (message.t) {
      case "file-error":
        return this.#fail(transfer, message.message);
      case "file-put":
        if (transfer.direction !== "up") return;
        transfer.state = "running";
        transfer.name = message.name;
        return void this.#pump(transfer);
      case "file-stored":
        if (transfer.direction !== "up") return;
        transfer.done = message.bytes;
        return void this.#pump(transfer);
      case "file-done":
        transfer.state = "done";
        transfer.name = message.name;
        transfer.done = message.size;
        if (transfer.direction === "up" && transfer.dir === this.#dir && this.#panel.open) {
          this.list(this.#dir);
        }
        return;
      case "file-get":
        if (transfer.direction !== "down") return;
        transfer.state = "running";
        transfer.size = message.size;
        if (message.size === 0) this.#save(transfer);
        return;
    }
  }

  /** Sends an upload's next chunks while its window has room. */
  async #pump(upload: Upload): Promise<void> {
    if (upload.pumping) return;
    upload.pumping = true;
    try {
      while (
        upload.state === "running" && upload.sent < upload.size &&
        upload.sent - upload.done < TRANSFER_WINDOW_BYTES
      ) {
        const offset = upload.sent;
        const end = Math.min(upload.size, offset + TRANSFER_CHUNK_BYTES);
        const data = new Uint8Array(await upload.file.slice(offset, end).arrayBuffer());
        if (upload.state !== "running") return;
        if (!this.#options.sendBytes(encodeTransferChunk({ id: upload.id, offset, data }))) return;
        upload.sent = end;
      }
    } catch (error) {
      this.#fail(upload, `the file cannot be read: ${error instanceof Error ? error.message : error}`);
      this.#options.send({ t: "file-cancel", id: upload.id });
    } finally {
      upload.pumping = false;
    }
  }

  /** Hands a complete download to the browser's own download (a link to a Blob, clicked). */
  #save(download: Download): void {
    download.state = "done";
    const url = URL.createObjectURL(new Blob(download.parts as BlobPart[]));
    download.parts = [];
    this.#panel.save(url, download.name);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  #fail(transfer: Upload | Download, error: string): void {
    transfer.state = "failed";
    transfer.error = error;
    if (transfer.direction === "down") transfer.parts = [];
  }
}

function active(transfer: ClientTransfer): boolean {
  return transfer.state === "waiting" || transfer.state === "running";
}
