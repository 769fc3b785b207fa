// Screen change detection through XDamage: one damage object on the root window (which covers every
// drawable on the screen, children included), at the NonEmpty level so the server sends a single event
// when the damage region goes from empty to non-empty; subtracting it re-arms the next one.
import { eventBase, type XLibs } from "./_lib.ts";
import type { EventPump } from "./_events.ts";

const XDAMAGE_REPORT_NON_EMPTY = 3;
const XDAMAGE_NOTIFY = 0;

/** The root window's damage object. */
export class DamageWatch {
  readonly #x: XLibs;
  readonly #dpy: NonNullable<Deno.PointerValue>;
  readonly #damage: bigint;

  /**
   * Starts watching and calls `fired` after each poll of `events` that saw damage; null when the display
   * lacks the DAMAGE extension.
   */
  static watch(
    x: XLibs,
    dpy: NonNullable<Deno.PointerValue>,
    root: bigint,
    events: EventPump,
    fired: () => void,
  ): DamageWatch | null {
    const base = eventBase(x.xdamage.XDamageQueryExtension, dpy);
    if (base === null) return null;
    const damage = new DamageWatch(x, dpy, x.xdamage.XDamageCreate(dpy, root, XDAMAGE_REPORT_NON_EMPTY));
    x.x11.XFlush(dpy);
    events.watch((type) => type === base + XDAMAGE_NOTIFY, () => {
      damage.#rearm();
      fired();
    });
    return damage;
  }

  private constructor(x: XLibs, dpy: NonNullable<Deno.PointerValue>, damage: bigint) {
    this.#x = x;
    this.#dpy = dpy;
    this.#damage = damage;
  }

  /** Empties the damage region so the next drawing sends a new event. */
  #rearm(): void {
    this.#x.xdamage.XDamageSubtract(this.#dpy, this.#damage, 0n, 0n);
    this.#x.x11.XFlush(this.#dpy);
  }

  /** Frees the damage object (the connection stays open). */
  destroy(): void {
    this.#x.xdamage.XDamageDestroy(this.#dpy, this.#damage);
  }
}
