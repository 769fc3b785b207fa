/**
 * The file transfer panel's DOM: a Files button in the overlay, the transfer folder's listing (folders to
 * open, files to download), an upload picker, a drop target over the whole page, and each transfer with its
 * progress bar, a cancel button and, when it failed, why. Built here rather than in index.html, so the page
 * carries none of it for viewers that may not transfer. Names are shown with `textContent`, never as HTML.
 *
 * @module
 */
import { formatBytes, type TransferHello, type TransferServerMessage } from "../../protocol/transfer.ts";

/** One transfer as the panel shows it. */
export interface ClientTransfer {
  id: number;
  direction: "up" | "down";
  /** The name asked for; after an upload, the name it landed under. */
  name: string;
  size: number;
  /** Bytes acknowledged by the streamer (upload) or received (download). */
  done: number;
  state: "waiting" | "running" | "done" | "failed" | "cancelled";
  /** Why it failed, in words for the user. */
  error?: string;
}

/** What the panel's controls ask for. */
export interface TransferPanelActions {
  open(dir: string): void;
  download(path: string, name: string): void;
  upload(files: File[]): void;
  cancel(id: number): void;
}

/** The panel; {@linkcode FileTransfers} (transfer.ts) drives it. */
export class TransferPanel {
  readonly #doc: Document;
  readonly #actions: TransferPanelActions;
  readonly #button: HTMLButtonElement;
  readonly #panel: HTMLElement;
  readonly #path: HTMLElement;
  readonly #limit: HTMLElement;
  readonly #error: HTMLElement;
  readonly #list: HTMLTableSectionElement;
  readonly #transfers: HTMLElement;
  readonly #picker: HTMLInputElement;
  readonly #dropHint: HTMLElement;
  #enabled = false;
  #dir = "";

  constructor(doc: Document, actions: TransferPanelActions) {
    this.#doc = doc;
    this.#actions = actions;
    const el = <T extends HTMLElement>(tag: string, props: Record<string, unknown> = {}) =>
      Object.assign(doc.createElement(tag), props) as T;
    this.#button = el<HTMLButtonElement>("button", {
      id: "files",
      type: "button",
      textContent: "Files",
      hidden: true,
    });
    this.#button.title = "Upload and download files (drop files on the page to upload)";
    doc.getElementById("overlay")?.append(this.#button);
    this.#panel = el("div", { id: "files-panel", hidden: true });
    const header = el("div", { className: "files-header" });
    const up = el("button", { type: "button", textContent: "Up", title: "The folder above" });
    this.#path = el("span", { className: "files-path" });
    this.#picker = el<HTMLInputElement>("input", { type: "file", multiple: true, id: "files-picker" });
    const pick = el("label", { htmlFor: "files-picker", textContent: "Upload…", className: "files-upload" });
    this.#limit = el("span", { className: "files-limit" });
    header.append(up, this.#path, pick, this.#picker, this.#limit);
    this.#error = el("div", { className: "files-error", hidden: true });
    const table = el<HTMLTableElement>("table", { className: "files-list" });
    this.#list = table.createTBody();
    this.#transfers = el("ul", { className: "files-transfers" });
    this.#panel.append(header, this.#error, table, this.#transfers);
    this.#dropHint = el("div", { id: "files-drop", textContent: "Drop files to upload them", hidden: true });
    doc.body.append(this.#panel, this.#dropHint);

    this.#button.addEventListener("click", () => {
      this.#panel.hidden = !this.#panel.hidden;
      this.#button.blur();
      if (!this.#panel.hidden) actions.open(this.#dir);
    });
    up.addEventListener("click", () => actions.open(this.#dir.split("/").slice(0, -1).join("/")));
    this.#picker.addEventListener("change", () => {
      actions.upload([...this.#picker.files ?? []]);
      this.#picker.value = "";
    });
    this.#listenForDrops();
  }

  /** Whether the panel is showing. */
  get open(): boolean {
    return !this.#panel.hidden;
  }

  /** Offers transfer (the Files button) or withdraws it. */
  enable(hello: TransferHello | undefined): void {
    this.#enabled = hello !== undefined;
    this.#button.hidden = !this.#enabled;
    if (!this.#enabled) this.#panel.hidden = true;
    this.#limit.textContent = hello ? `up to ${formatBytes(hello.maxBytes)}` : "";
    this.listingError(hello?.unavailable ?? "");
  }

  /** Shows a folder's listing. */
  listing(message: Extract<TransferServerMessage, { t: "file-list" }>): void {
    this.#dir = message.dir;
    this.#path.textContent = `/${message.dir}`;
    this.listingError(message.truncated ? `only the first ${message.entries.length} entries are shown` : "");
    const rows = message.entries.map((entry) => {
      const row = this.#doc.createElement("tr");
      row.dataset.name = entry.name;
      row.dataset.kind = entry.kind;
      const path = message.dir ? `${message.dir}/${entry.name}` : entry.name;
      const name = this.#doc.createElement(entry.kind === "other" ? "span" : "button");
      name.textContent = entry.kind === "dir" ? `${entry.name}/` : entry.name;
      if (entry.kind === "dir") name.addEventListener("click", () => this.#actions.open(path));
      if (entry.kind === "file") {
        name.title = "Download";
        name.addEventListener("click", () => this.#actions.download(path, entry.name));
      }
      const size = entry.kind === "file" ? formatBytes(entry.size) : "";
      const mtime = entry.mtime ? new Date(entry.mtime).toLocaleString() : "";
      row.append(cell(this.#doc, name), cell(this.#doc, size), cell(this.#doc, mtime));
      return row;
    });
    this.#list.replaceChildren(...rows);
  }

  /** Shows why the listing failed, or clears it. */
  listingError(text: string): void {
    this.#error.textContent = text;
    this.#error.hidden = text === "";
  }

  /** Shows the transfers, newest first. */
  render(transfers: Iterable<ClientTransfer>): void {
    const items = [...transfers].reverse().slice(0, 20).map((t) => {
      const item = this.#doc.createElement("li");
      item.className = "transfer";
      item.dataset.id = String(t.id);
      item.dataset.state = t.state;
      const label = this.#doc.createElement("span");
      label.textContent = `${t.direction === "up" ? "↑" : "↓"} ${t.name}`;
      const bar = this.#doc.createElement("progress");
      bar.max = Math.max(1, t.size);
      bar.value = t.done;
      const status = this.#doc.createElement("span");
      status.className = "transfer-status";
      status.textContent = t.state === "failed"
        ? t.error ?? "failed"
        : t.state === "running"
        ? `${formatBytes(t.done)} of ${formatBytes(t.size)}`
        : t.state;
      item.append(label, bar, status);
      if (t.state === "waiting" || t.state === "running") {
        const cancel = this.#doc.createElement("button");
        cancel.type = "button";
        cancel.textContent = "Cancel";
        cancel.addEventListener("click", () => this.#actions.cancel(t.id));
        item.append(cancel);
      }
      return item;
    });
    this.#transfers.replaceChildren(...items);
  }

  /** Opens the panel (a transfer started, e.g. from a drop). */
  show(): void {
    if (this.#enabled) this.#panel.hidden = false;
  }

  /** Saves a downloaded file through the browser. */
  save(url: string, name: string): void {
    const link = this.#doc.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    this.#doc.body.append(link);
    link.click();
    link.remove();
  }

  #listenForDrops(): void {
    const hasFiles = (event: DragEvent) => this.#enabled && !!event.dataTransfer?.types.includes("Files");
    this.#doc.addEventListener("dragover", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      this.#dropHint.hidden = false;
    });
    this.#doc.addEventListener("dragleave", (event) => {
      if (!event.relatedTarget) this.#dropHint.hidden = true;
    });
    this.#doc.addEventListener("drop", (event) => {
      this.#dropHint.hidden = true;
      if (!hasFiles(event)) return;
      event.preventDefault();
      this.#actions.upload([...event.dataTransfer!.files]);
    });
  }
}

function cell(doc: Document, content: Node | string): HTMLTableCellElement {
  const td = doc.createElement("td");
  td.append(content);
  return td;
}
