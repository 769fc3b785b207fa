/**
 * The few libX11 entry points the benchmark's content client needs, through Deno FFI. It draws (fills,
 * server-side pixmap copies) and reads the key presses of its own window in one loop, so the time code
 * it draws counts a key press on the next frame; no X client program does that, and streamer/x11 (the
 * project's binding) injects input and watches the screen but never draws. Pointers stay inside
 * bench/content; callers use {@linkcode XClient}.
 *
 * @module
 */

const SYMBOLS = {
  XOpenDisplay: { parameters: ["pointer"], result: "pointer" },
  XDefaultScreen: { parameters: ["pointer"], result: "i32" },
  XRootWindow: { parameters: ["pointer", "i32"], result: "u64" },
  XDisplayWidth: { parameters: ["pointer", "i32"], result: "i32" },
  XDisplayHeight: { parameters: ["pointer", "i32"], result: "i32" },
  XDefaultVisual: { parameters: ["pointer", "i32"], result: "pointer" },
  XDefaultDepth: { parameters: ["pointer", "i32"], result: "i32" },
  XCreateSimpleWindow: {
    parameters: ["pointer", "u64", "i32", "i32", "u32", "u32", "u32", "u64", "u64"],
    result: "u64",
  },
  XMapRaised: { parameters: ["pointer", "u64"], result: "i32" },
  XSelectInput: { parameters: ["pointer", "u64", "i64"], result: "i32" },
  XSetInputFocus: { parameters: ["pointer", "u64", "i32", "u64"], result: "i32" },
  XCreateGC: { parameters: ["pointer", "u64", "u64", "pointer"], result: "pointer" },
  XSetForeground: { parameters: ["pointer", "pointer", "u64"], result: "i32" },
  XFillRectangle: { parameters: ["pointer", "u64", "pointer", "i32", "i32", "u32", "u32"], result: "i32" },
  XCopyArea: {
    parameters: ["pointer", "u64", "u64", "pointer", "i32", "i32", "u32", "u32", "i32", "i32"],
    result: "i32",
  },
  XCreatePixmap: { parameters: ["pointer", "u64", "u32", "u32", "u32"], result: "u64" },
  XCreateImage: {
    parameters: ["pointer", "pointer", "u32", "i32", "i32", "buffer", "u32", "u32", "i32", "i32"],
    result: "pointer",
  },
  XPutImage: {
    parameters: ["pointer", "u64", "pointer", "pointer", "i32", "i32", "i32", "i32", "u32", "u32"],
    result: "i32",
  },
  XPending: { parameters: ["pointer"], result: "i32" },
  XNextEvent: { parameters: ["pointer", "buffer"], result: "i32" },
  XFlush: { parameters: ["pointer"], result: "i32" },
  XSync: { parameters: ["pointer", "i32"], result: "i32" },
} as const;

const KEY_PRESS = 2;
const KEY_PRESS_MASK = 1n;
const Z_PIXMAP = 2;
const REVERT_TO_PARENT = 2;

/**
 * A connection to `$DISPLAY` with one full-screen window, simple drawing and its key presses.
 *
 * @example
 * ```ts
 * import { XClient } from "./_xlib.ts";
 * const x = new XClient();
 * x.fill(0xff0000, 0, 0, 64, 64);
 * x.flush();
 * ```
 */
export class XClient {
  /** Screen (and window) width in pixels. */
  readonly width: number;
  /** Screen (and window) height in pixels. */
  readonly height: number;
  readonly #lib: Deno.DynamicLibrary<typeof SYMBOLS>;
  readonly #dpy: Deno.PointerValue;
  readonly #screen: number;
  readonly #gc: Deno.PointerValue;
  readonly #window: bigint;
  readonly #event = new Uint8Array(192);
  readonly #images: Uint8Array[] = []; // XImage data must outlive the XImage

  /** Opens `$DISPLAY` and maps a window over the whole screen. */
  constructor() {
    this.#lib = Deno.dlopen("libX11.so.6", SYMBOLS);
    const x = this.#lib.symbols;
    this.#dpy = x.XOpenDisplay(null);
    if (this.#dpy === null) throw new Error(`cannot open X display ${Deno.env.get("DISPLAY")}`);
    this.#screen = x.XDefaultScreen(this.#dpy);
    const root = x.XRootWindow(this.#dpy, this.#screen);
    this.width = x.XDisplayWidth(this.#dpy, this.#screen);
    this.height = x.XDisplayHeight(this.#dpy, this.#screen);
    this.#window = x.XCreateSimpleWindow(this.#dpy, root, 0, 0, this.width, this.height, 0, 0n, 0n);
    x.XSelectInput(this.#dpy, this.#window, KEY_PRESS_MASK);
    this.#gc = x.XCreateGC(this.#dpy, this.#window, 0n, null);
    x.XMapRaised(this.#dpy, this.#window);
    x.XSync(this.#dpy, 0);
  }

  /** Gives the window the keyboard focus (no window manager decides for us). */
  focus(): void {
    this.#lib.symbols.XSetInputFocus(this.#dpy, this.#window, REVERT_TO_PARENT, 0n);
  }

  /** Fills a rectangle of the window with a 0xRRGGBB colour. */
  fill(color: number, x: number, y: number, w: number, h: number): void {
    this.#lib.symbols.XSetForeground(this.#dpy, this.#gc, BigInt(color));
    this.#lib.symbols.XFillRectangle(this.#dpy, this.#window, this.#gc, x, y, w, h);
  }

  /** Uploads 32-bit BGRX pixels into a new server-side pixmap and returns its id. */
  uploadPixmap(pixels: Uint8Array, width: number, height: number): bigint {
    const x = this.#lib.symbols;
    const depth = x.XDefaultDepth(this.#dpy, this.#screen);
    const pixmap = x.XCreatePixmap(this.#dpy, this.#window, width, height, depth);
    const visual = x.XDefaultVisual(this.#dpy, this.#screen);
    const image = x.XCreateImage(this.#dpy, visual, depth, Z_PIXMAP, 0, pixels, width, height, 32, width * 4);
    this.#images.push(pixels);
    x.XPutImage(this.#dpy, pixmap, this.#gc, image, 0, 0, 0, 0, width, height);
    x.XSync(this.#dpy, 0);
    return pixmap;
  }

  /** Copies a rectangle of a pixmap into the window (done by the X server). */
  copy(pixmap: bigint, sx: number, sy: number, w: number, h: number, dx: number, dy: number): void {
    this.#lib.symbols.XCopyArea(this.#dpy, pixmap, this.#window, this.#gc, sx, sy, w, h, dx, dy);
  }

  /** Drains pending events and returns how many key presses arrived. */
  takeKeyPresses(): number {
    const x = this.#lib.symbols;
    let presses = 0;
    while (x.XPending(this.#dpy) > 0) {
      x.XNextEvent(this.#dpy, this.#event);
      if (new DataView(this.#event.buffer).getInt32(0, true) === KEY_PRESS) presses++;
    }
    return presses;
  }

  /** Sends buffered requests to the server. */
  flush(): void {
    this.#lib.symbols.XFlush(this.#dpy);
  }
}
