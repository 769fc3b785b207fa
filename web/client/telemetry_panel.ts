/**
 * The job telemetry panel: CPU use against the allocation, memory against its limit, each GPU's utilisation and
 * memory, the node. Toggled by its button in the overlay, Ctrl+Alt+Shift+T, or `?telemetry=1` in the address;
 * filled from the streamer's `telemetry` messages (protocol/telemetry.ts), sent every ~2 s while the page is
 * open. The memory figure turns red past the threshold at which the streamer warns.
 *
 * @module
 */
import {
  cpuPercent,
  MEMORY_WARN_FRACTION,
  memoryFraction,
  type TelemetryMessage,
} from "../../protocol/telemetry.ts";

/** One line of the panel. */
export interface TelemetryRow {
  /** What the line is about, e.g. `CPU`, `GPU 0`. */
  label: string;
  /** The figures, e.g. `37 % of 4 cores`. */
  value: string;
  /** Whether the figure is near a limit (shown in red). */
  warn?: boolean;
  /** More detail, as the line's tooltip. */
  detail?: string;
}

const KIB = 1024;
const LIMIT_NAMES = { cgroup: "the job's cgroup", slurm: "the job's --mem", node: "the node's memory" };

/**
 * A size in the largest binary unit that keeps it above 1: `512 MiB`, `1.5 GiB`.
 *
 * @example
 * ```ts
 * import { formatBytes } from "./telemetry_panel.ts";
 * formatBytes(1536 * 1024 * 1024); // "1.5 GiB"
 * formatBytes(300 * 1024 * 1024); // "300 MiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= KIB && unit < units.length - 1) {
    value /= KIB;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/**
 * The panel's lines for one telemetry message.
 *
 * @example
 * ```ts
 * import { telemetryRows } from "./telemetry_panel.ts";
 * const GIB = 1024 ** 3;
 * telemetryRows({
 *   t: "telemetry", node: "gpu01", source: "processes",
 *   cpu: { usedCores: 1, allocatedCores: 4 },
 *   memory: { usedBytes: 2 * GIB, limitBytes: 16 * GIB, limitSource: "slurm" },
 * }).map((r) => `${r.label}: ${r.value}`);
 * // ["Node: gpu01", "CPU: 25 % of 4 cores", "Memory: 2.0 GiB of 16.0 GiB (13 %)"]
 * ```
 */
export function telemetryRows(message: TelemetryMessage): TelemetryRow[] {
  const { cpu, memory } = message;
  const source = message.source === "cgroup" ? "the job's cgroup" : "the session's processes";
  const cores = cpu.allocatedCores === 1 ? "1 core" : `${cpu.allocatedCores} cores`;
  const fraction = memoryFraction(memory);
  const rows: TelemetryRow[] = [
    { label: "Node", value: message.node },
    {
      label: "CPU",
      value: `${Math.round(cpuPercent(cpu))} % of ${cores}`,
      detail: `${cpu.usedCores.toFixed(2)} cores busy on average lately, measured from ${source}`,
    },
    {
      label: "Memory",
      value: `${formatBytes(memory.usedBytes)} of ${formatBytes(memory.limitBytes)} (${
        Math.round(fraction * 100)
      } %)`,
      warn: fraction >= MEMORY_WARN_FRACTION,
      detail: `limit from ${LIMIT_NAMES[memory.limitSource]}; use measured from ${source}`,
    },
  ];
  if (memory.oomKills) {
    rows.push({ label: "OOM kills", value: String(memory.oomKills), warn: true, detail: "by the kernel" });
  }
  for (const gpu of message.gpus ?? []) {
    const util = gpu.utilizationPercent === null ? "n/a" : `${Math.round(gpu.utilizationPercent)} %`;
    const mem = gpu.memoryUsedBytes === null
      ? "memory n/a"
      : gpu.memoryTotalBytes === null
      ? formatBytes(gpu.memoryUsedBytes)
      : `${formatBytes(gpu.memoryUsedBytes)} of ${formatBytes(gpu.memoryTotalBytes)}`;
    rows.push({ label: `GPU ${gpu.index}`, value: `${util} · ${mem}`, detail: `${gpu.name} (${gpu.uuid})` });
  }
  if (message.gpuError) {
    rows.push({ label: "GPUs", value: "no figures", warn: true, detail: message.gpuError });
  }
  return rows;
}

/** Options of {@linkcode TelemetryPanel}. */
export interface TelemetryPanelOptions {
  /** Shown from the start (`?telemetry=1`). @default {false} */
  visible?: boolean;
  /** Called after the button was clicked (e.g. to give the keyboard back to the desktop). */
  onButton?: () => void;
}

/**
 * The panel and its button (added to the page's `#overlay`).
 *
 * @example
 * ```ts
 * import { TelemetryPanel } from "./telemetry_panel.ts";
 * const panel = new TelemetryPanel(document, { visible: true });
 * panel.toggle();
 * ```
 */
export class TelemetryPanel {
  readonly #panel: HTMLElement;
  readonly #table: HTMLElement;
  readonly #button: HTMLButtonElement;

  constructor(doc: Document, options: TelemetryPanelOptions = {}) {
    this.#panel = doc.createElement("div");
    this.#panel.id = "telemetry-panel";
    this.#panel.hidden = !options.visible;
    const title = doc.createElement("div");
    title.className = "telemetry-title";
    title.textContent = "Job";
    this.#table = doc.createElement("dl");
    const waiting = doc.createElement("dd");
    waiting.textContent = "waiting for the first sample";
    this.#table.append(waiting);
    this.#panel.append(title, this.#table);
    doc.body.append(this.#panel);
    this.#button = doc.createElement("button");
    this.#button.id = "telemetry";
    this.#button.type = "button";
    this.#button.textContent = "Job";
    this.#button.title = "Job telemetry: CPU, memory, GPUs (Ctrl+Alt+Shift+T)";
    this.#button.setAttribute("aria-pressed", String(!this.#panel.hidden));
    this.#button.addEventListener("click", () => {
      this.toggle();
      this.#button.blur();
      options.onButton?.();
    });
    doc.getElementById("overlay")?.append(this.#button);
  }

  /** Whether the panel shows. */
  get visible(): boolean {
    return !this.#panel.hidden;
  }

  /** Shows or hides the panel. */
  toggle(): void {
    this.#panel.hidden = !this.#panel.hidden;
    this.#button.setAttribute("aria-pressed", String(this.visible));
  }

  /** Shows a new sample (text only: nothing from the message becomes markup). */
  update(message: TelemetryMessage): void {
    const doc = this.#panel.ownerDocument;
    const items: HTMLElement[] = [];
    for (const row of telemetryRows(message)) {
      const label = doc.createElement("dt");
      label.textContent = row.label;
      const value = doc.createElement("dd");
      value.textContent = row.value;
      if (row.detail) label.title = value.title = row.detail;
      if (row.warn) value.className = "warn";
      items.push(label, value);
    }
    this.#table.replaceChildren(...items);
  }
}
