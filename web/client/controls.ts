/**
 * The overlay's buttons and the local shortcuts (Ctrl+Alt+Shift+M/F/C/S) for pointer lock, full screen,
 * the clipboard panel and the overlay itself; the HiDPI density choice (sharp or light), remembered in
 * localStorage.
 *
 * @module
 */
import type { Overlay } from "./overlay.ts";

/**
 * How the remote screen uses this display's pixels: `sharp` asks for device pixels (crisp text at
 * devicePixelRatio 2, shown at 1:1 by CSS scaling down), `light` for CSS pixels (a quarter of the pixels to
 * encode and send at DPR 2, upscaled: softer).
 */
export type Density = "sharp" | "light";

/** Options of {@linkcode bindControls}. */
export interface ControlsOptions {
  /** Called when the user picks another density (the page asks for a screen of the new size). */
  onDensity?(density: Density): void;
}

/** The actions behind the buttons and shortcuts. */
export interface Controls {
  togglePointerLock(): void;
  toggleFullscreen(): void;
  /** The density the user chose (remembered in this browser; `sharp` until then). */
  readonly density: Density;
  /** Shortcut table for `InputCapture`, by `KeyboardEvent.code`. */
  shortcuts: Record<string, () => void>;
}

/**
 * Wires the buttons of index.html and returns the actions for the keyboard shortcuts.
 *
 * @example
 * ```ts
 * import { bindControls } from "./controls.ts";
 * import type { Overlay } from "./overlay.ts";
 * declare const overlay: Overlay;
 * const controls = bindControls(document.getElementById("stage")!, overlay);
 * controls.togglePointerLock();
 * ```
 */
export function bindControls(stage: HTMLElement, overlay: Overlay, options: ControlsOptions = {}): Controls {
  const togglePointerLock = () => {
    if (document.pointerLockElement) document.exitPointerLock();
    else stage.requestPointerLock?.();
  };
  const toggleFullscreen = () => {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else document.documentElement.requestFullscreen().catch(() => {});
  };
  const toggleClipboard = () => overlay.toggleClipboard();
  const buttons: [string, () => void][] = [
    ["lock", togglePointerLock],
    ["clip", toggleClipboard],
    ["full", toggleFullscreen],
  ];
  for (const [id, action] of buttons) {
    const button = document.getElementById(id)!;
    button.addEventListener("click", () => {
      action();
      // Keys go to the desktop, not to the last clicked button.
      button.blur();
      stage.focus();
    });
  }
  let density = storedDensity();
  const densityButton = document.getElementById("density");
  const showDensity = () => {
    if (!densityButton) return;
    // On a display of one device pixel per CSS pixel both modes are the same.
    densityButton.hidden = devicePixelRatio <= 1;
    densityButton.textContent = density === "sharp" ? "Sharp" : "Light";
    densityButton.title = density === "sharp"
      ? "Sharp: the desktop has this display's device pixels. Click for light (fewer pixels, less bandwidth)"
      : "Light: the desktop has CSS pixels, upscaled. Click for sharp (device pixels)";
  };
  showDensity();
  addEventListener("resize", showDensity);
  densityButton?.addEventListener("click", () => {
    density = density === "sharp" ? "light" : "sharp";
    try {
      localStorage.setItem(DENSITY_KEY, density);
    } catch { /* Storage off (private mode): the choice lasts for this page. */ }
    showDensity();
    densityButton.blur();
    stage.focus();
    options.onDensity?.(density);
  });
  return {
    togglePointerLock,
    toggleFullscreen,
    get density() {
      return density;
    },
    shortcuts: {
      KeyM: togglePointerLock,
      KeyF: toggleFullscreen,
      KeyC: toggleClipboard,
      KeyS: () => overlay.toggle(),
    },
  };
}

const DENSITY_KEY = "selkies.density";

function storedDensity(): Density {
  try {
    return localStorage.getItem(DENSITY_KEY) === "light" ? "light" : "sharp";
  } catch {
    return "sharp";
  }
}
