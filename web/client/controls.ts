/**
 * The overlay's buttons and the local shortcuts (Ctrl+Alt+Shift+M/F/C/S) for pointer lock, full screen,
 * the clipboard panel and the overlay itself.
 *
 * @module
 */
import type { Overlay } from "./overlay.ts";

/** The actions behind the buttons and shortcuts. */
export interface Controls {
  togglePointerLock(): void;
  toggleFullscreen(): void;
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
export function bindControls(stage: HTMLElement, overlay: Overlay): Controls {
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
  return {
    togglePointerLock,
    toggleFullscreen,
    shortcuts: {
      KeyM: togglePointerLock,
      KeyF: toggleFullscreen,
      KeyC: toggleClipboard,
      KeyS: () => overlay.toggle(),
    },
  };
}
