// Screen read-back through MIT-SHM: the X server writes the root window's pixels straight into a System V
// shared memory segment this process maps, so a 1080p grab copies 8 MB once (in the server) instead of
// sending it over the socket. libXext and libc are opened here, on first use, beside _lib.ts's libraries.
//
// The segment's first half is a mirror of the whole screen that stays current as long as every change is
// read: a grab of a few damaged areas costs what they cost, not 8 MB (the region benchmark: 300 KB of 8 MB
// changed per round). XShmGetImage writes `image->width x image->height` at `image->data - shmaddr` with the
// server's row length for that width (width * 4: compact), so an area lands in the second half (scratch)
// through an XImage header of its own size, and its rows are copied into the mirror; an area as wide as the
// screen lands in the mirror directly.
//
// The segment is marked for removal (IPC_RMID) as soon as the server has attached it: Linux keeps it while
// either side maps it and frees it when both are gone, so no exit path (crash, SIGKILL) can leak it.
// XImage is freed with XFree, not XDestroyImage: _XDestroyImage would free `data` (the shared memory) and
// `obdata` (our XShmSegmentInfo, a JS buffer).
import { type XLibs, xlibs } from "./_lib.ts";
import { takeXError } from "./_errors.ts";
import { X11Error } from "./errors.ts";
import type { Rect } from "../codec/frame.ts";

type Display = NonNullable<Deno.PointerValue>;

const XEXT = {
  XShmQueryExtension: { parameters: ["pointer"], result: "i32" },
  XShmCreateImage: {
    parameters: ["pointer", "pointer", "u32", "i32", "pointer", "buffer", "u32", "u32"],
    result: "pointer",
  },
  XShmAttach: { parameters: ["pointer", "buffer"], result: "i32" },
  XShmDetach: { parameters: ["pointer", "buffer"], result: "i32" },
  XShmGetImage: {
    parameters: ["pointer", "u64", "pointer", "i32", "i32", "u64"],
    result: "i32",
    nonblocking: true,
  },
} as const;

/** Symbols of libX11 this file needs beyond _lib.ts's. */
const X11 = {
  XDefaultVisual: { parameters: ["pointer", "i32"], result: "pointer" },
  XDefaultDepth: { parameters: ["pointer", "i32"], result: "i32" },
  XSelectInput: { parameters: ["pointer", "u64", "i64"], result: "i32" },
  XConnectionNumber: { parameters: ["pointer"], result: "i32" },
} as const;

const LIBC = {
  shmget: { parameters: ["i32", "usize", "i32"], result: "i32" },
  shmat: { parameters: ["i32", "pointer", "i32"], result: "pointer" },
  shmdt: { parameters: ["pointer"], result: "i32" },
  shmctl: { parameters: ["i32", "i32", "pointer"], result: "i32" },
  // Waits for the events connection's socket on one of Deno's blocking threads (see ScreenGrabber.changes).
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
} as const;

type Lib<S extends Deno.ForeignLibraryInterface> = Deno.DynamicLibrary<S>["symbols"];

/** The libraries of screen grabbing. */
export interface ShmLibs {
  x: XLibs;
  xext: Lib<typeof XEXT>;
  x11: Lib<typeof X11>;
  libc: Lib<typeof LIBC>;
}

let libs: ShmLibs | null = null;

/** Loads the libraries once. */
export function shmLibs(): ShmLibs {
  libs ??= {
    x: xlibs(),
    xext: Deno.dlopen("libXext.so.6", XEXT).symbols,
    x11: Deno.dlopen("libX11.so.6", X11).symbols,
    libc: Deno.dlopen("libc.so.6", LIBC).symbols,
  };
  return libs;
}

const IPC_PRIVATE = 0;
const IPC_CREAT = 0o1000;
const IPC_RMID = 0;
const Z_PIXMAP = 2;
const ALL_PLANES = 0xffffffffffffffffn;
// XImage (LP64): width @0, height @4, data @16, byte_order @24, depth @40, bytes_per_line @44,
// bits_per_pixel @48, red_mask @56, green_mask @64, blue_mask @72. XShmSegmentInfo (32 bytes): shmseg @0,
// shmid @8, shmaddr @16, readOnly @24. Checked with offsetof() against Debian 12's Xlib.h and XShm.h.
const IMAGE = { data: 16, byteOrder: 24, stride: 44, bpp: 48, red: 56, green: 64, blue: 72 } as const;
const SEGMENT = { bytes: 32, shmid: 8, shmaddr: 16 } as const;
/**
 * Areas covering more than this share of the screen are read as one full-screen request (past half, the
 * requests' overhead and the scratch copy eat most of what a partial read saves). bench/codec.ts at 1080p:
 * the whole screen 0.90 ms, a 640x120 area 0.13 ms, a 1408x832 box 0.72 ms, 16 64x64 tiles 0.90 ms.
 */
const FULL_SHARE = 0.5;
/** More areas than this are read as their bounding box: each is a round trip (~0.05 ms, see above). */
const MAX_AREAS = 16;

/** An XShm mirror of the whole screen, attached to one connection. */
export class ShmImage {
  readonly width: number;
  readonly height: number;
  /** Bytes from one row to the next. */
  readonly stride: number;
  /** The mirror: the screen as of the last {@linkcode ShmImage.read} (all of it once `complete`). */
  readonly data: Uint8Array<ArrayBuffer>;
  readonly #libs: ShmLibs;
  readonly #dpy: Display;
  readonly #image: NonNullable<Deno.PointerValue>;
  readonly #segment: Uint8Array<ArrayBuffer>; // XShmCreateImage keeps its address (image->obdata)
  readonly #addr: NonNullable<Deno.PointerValue>;
  readonly #scratch: Uint8Array<ArrayBuffer>;
  readonly #visual: Deno.PointerValue;
  readonly #depth: number;
  #attached = false;
  /** Whether the mirror holds a whole screen read (cleared by a failed read). */
  #complete = false;

  /** Creates a `width` x `height` image and has the server attach its segment (two round trips). */
  static async create(libs: ShmLibs, dpy: Display, width: number, height: number): Promise<ShmImage> {
    const screen = libs.x.x11.XDefaultScreen(dpy);
    const segment = new Uint8Array(new ArrayBuffer(SEGMENT.bytes));
    const visual = libs.x11.XDefaultVisual(dpy, screen);
    const depth = libs.x11.XDefaultDepth(dpy, screen);
    const image = libs.xext.XShmCreateImage(dpy, visual, depth, Z_PIXMAP, null, segment, width, height);
    if (!image) throw new X11Error(`XShmCreateImage ${width}x${height} failed`);
    const view = new Deno.UnsafePointerView(image);
    const bpp = view.getInt32(IMAGE.bpp);
    const masks = [IMAGE.red, IMAGE.green, IMAGE.blue].map((at) => view.getBigUint64(at));
    if (bpp !== 32 || view.getInt32(IMAGE.byteOrder) !== 0 || masks.join() !== "16711680,65280,255") {
      libs.x.x11.XFree(image);
      throw new X11Error(
        `the screen is not 32-bit BGRX (depth ${depth}, ${bpp} bits per pixel): run Xvfb at depth 24`,
      );
    }
    const stride = view.getInt32(IMAGE.stride);
    const bytes = stride * height;
    // Mirror + scratch: pages of the scratch half the server never wrote take no memory.
    const id = libs.libc.shmget(IPC_PRIVATE, BigInt(bytes * 2), IPC_CREAT | 0o600);
    if (id < 0) {
      libs.x.x11.XFree(image);
      throw new X11Error(`shmget of ${bytes} bytes failed (kernel.shmmax, or /dev/shm full?)`);
    }
    const addr = libs.libc.shmat(id, null, 0);
    if (!addr || BigInt(Deno.UnsafePointer.value(addr)) === 0xffffffffffffffffn) { // (void *) -1
      libs.libc.shmctl(id, IPC_RMID, null);
      libs.x.x11.XFree(image);
      throw new X11Error(`shmat of a ${bytes}-byte segment failed`);
    }
    const s = new DataView(segment.buffer);
    s.setInt32(SEGMENT.shmid, id, true);
    s.setBigUint64(SEGMENT.shmaddr, BigInt(Deno.UnsafePointer.value(addr)), true);
    // image->data = the segment (pointer views are read-only: write through an ArrayBuffer on the struct).
    new BigUint64Array(Deno.UnsafePointerView.getArrayBuffer(image, 8, IMAGE.data))[0] = BigInt(
      Deno.UnsafePointer.value(addr),
    );
    const shm = new ShmImage(libs, dpy, image, segment, addr, {
      width,
      height,
      stride,
      bytes,
      visual,
      depth,
    });
    try {
      libs.xext.XShmAttach(dpy, segment);
      takeXError(dpy);
      await libs.x.nb.x11.XSync(dpy, 0); // the server has attached (or refused) once this returns
      const error = takeXError(dpy);
      if (error) throw new X11Error(`XShmAttach failed (X error ${error}): MIT-SHM needs a local display`);
      shm.#attached = true;
    } catch (error) {
      await shm.destroy();
      throw error;
    } finally {
      libs.libc.shmctl(id, IPC_RMID, null);
    }
    return shm;
  }

  private constructor(
    libs: ShmLibs,
    dpy: Display,
    image: NonNullable<Deno.PointerValue>,
    segment: Uint8Array<ArrayBuffer>,
    addr: NonNullable<Deno.PointerValue>,
    size: {
      width: number;
      height: number;
      stride: number;
      bytes: number;
      visual: Deno.PointerValue;
      depth: number;
    },
  ) {
    this.#libs = libs;
    this.#dpy = dpy;
    this.#image = image;
    this.#segment = segment;
    this.#addr = addr;
    this.width = size.width;
    this.height = size.height;
    this.stride = size.stride;
    this.#visual = size.visual;
    this.#depth = size.depth;
    this.data = new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(addr, size.bytes));
    this.#scratch = new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(addr, size.bytes, size.bytes));
  }

  /**
   * Brings the mirror up to date with the root window: only `areas` (clipped to the image, merged as
   * {@linkcode readPlan} says) when given and the mirror is complete, else all of it. False on an X error
   * (the mirror then counts as incomplete: the next read is a whole one).
   */
  async read(root: bigint, areas?: readonly Rect[]): Promise<boolean> {
    const plan = areas && this.#complete ? readPlan(areas, this.width, this.height) : "full";
    this.#complete = false;
    if (plan === "full") {
      if (!await this.#get(root, this.#image, 0, 0)) return false;
    } else {
      for (const area of plan) if (!await this.#readArea(root, area)) return false;
    }
    this.#complete = true;
    return true;
  }

  /** Reads one area through a header of its size: into the mirror when as wide as it, else via scratch. */
  async #readArea(root: bigint, { x, y, w, h }: Rect): Promise<boolean> {
    const direct = w === this.width;
    const at = direct ? y * this.stride : this.data.byteLength;
    const libs = this.#libs;
    const data = Deno.UnsafePointer.offset(this.#addr, at);
    const header = libs.xext.XShmCreateImage(
      this.#dpy,
      this.#visual,
      this.#depth,
      Z_PIXMAP,
      data,
      this.#segment,
      w,
      h,
    );
    if (!header) throw new X11Error(`XShmCreateImage ${w}x${h} failed`);
    try {
      if (!await this.#get(root, header, x, y)) return false;
    } finally {
      libs.x.x11.XFree(header);
    }
    if (!direct) {
      const row = w * 4;
      for (let r = 0; r < h; r++) {
        this.data.set(this.#scratch.subarray(r * row, r * row + row), (y + r) * this.stride + x * 4);
      }
    }
    return true;
  }

  async #get(root: bigint, image: NonNullable<Deno.PointerValue>, x: number, y: number): Promise<boolean> {
    const ok = await this.#libs.xext.XShmGetImage(this.#dpy, root, image, x, y, ALL_PLANES);
    return ok !== 0 && takeXError(this.#dpy) === 0;
  }

  /**
   * Detaches the segment from the server (one round trip; not when `connected` is false: the server is
   * gone) and from this process, and frees the image.
   */
  async destroy(connected = true): Promise<void> {
    if (this.#attached && connected) {
      this.#attached = false;
      this.#libs.xext.XShmDetach(this.#dpy, this.#segment);
      await this.#libs.x.nb.x11.XSync(this.#dpy, 0);
      takeXError(this.#dpy);
    }
    this.#libs.libc.shmdt(this.#addr);
    this.#libs.x.x11.XFree(this.#image);
  }
}

/**
 * What to read of a `width` x `height` screen to cover `areas`: "full" when they are many or cover more
 * than half of it, else the areas clipped to the screen (empty ones dropped).
 */
export function readPlan(areas: readonly Rect[], width: number, height: number): Rect[] | "full" {
  const clipped: Rect[] = [];
  let covered = 0;
  for (const r of areas) {
    const x = Math.max(0, r.x), y = Math.max(0, r.y);
    const w = Math.min(width, r.x + r.w) - x, h = Math.min(height, r.y + r.h) - y;
    if (w > 0 && h > 0) clipped.push({ x, y, w, h }), covered += w * h;
  }
  if (covered > width * height * FULL_SHARE) return "full";
  if (clipped.length <= MAX_AREAS) return clipped;
  const box = clipped.reduce((a, b) => {
    const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
    return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
  });
  return box.w * box.h > width * height * FULL_SHARE ? "full" : [box];
}
