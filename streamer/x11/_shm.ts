// Screen read-back through MIT-SHM: the X server writes the root window's pixels straight into a System V
// shared memory segment this process maps, so a 1080p grab copies 8 MB once (in the server) instead of
// sending it over the socket. libXext and libc are opened here, on first use, beside _lib.ts's libraries.
//
// The segment is marked for removal (IPC_RMID) as soon as the server has attached it: Linux keeps it while
// either side maps it and frees it when both are gone, so no exit path (crash, SIGKILL) can leak it.
// XImage is freed with XFree, not XDestroyImage: _XDestroyImage would free `data` (the shared memory) and
// `obdata` (our XShmSegmentInfo, a JS buffer).
import { type XLibs, xlibs } from "./_lib.ts";
import { takeXError } from "./_errors.ts";
import { X11Error } from "./errors.ts";

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
} as const;

const LIBC = {
  shmget: { parameters: ["i32", "usize", "i32"], result: "i32" },
  shmat: { parameters: ["i32", "pointer", "i32"], result: "pointer" },
  shmdt: { parameters: ["pointer"], result: "i32" },
  shmctl: { parameters: ["i32", "i32", "pointer"], result: "i32" },
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

/** An XShm image of the whole screen, attached to one connection. */
export class ShmImage {
  readonly width: number;
  readonly height: number;
  /** Bytes from one row to the next. */
  readonly stride: number;
  /** The shared memory, as the server last wrote it. */
  readonly data: Uint8Array<ArrayBuffer>;
  readonly #libs: ShmLibs;
  readonly #dpy: Display;
  readonly #image: NonNullable<Deno.PointerValue>;
  readonly #segment: Uint8Array<ArrayBuffer>; // XShmCreateImage keeps its address (image->obdata)
  readonly #addr: NonNullable<Deno.PointerValue>;
  #attached = false;

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
    const id = libs.libc.shmget(IPC_PRIVATE, BigInt(bytes), IPC_CREAT | 0o600);
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
    const shm = new ShmImage(libs, dpy, image, segment, addr, { width, height, stride, bytes });
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
    size: { width: number; height: number; stride: number; bytes: number },
  ) {
    this.#libs = libs;
    this.#dpy = dpy;
    this.#image = image;
    this.#segment = segment;
    this.#addr = addr;
    this.width = size.width;
    this.height = size.height;
    this.stride = size.stride;
    this.data = new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(addr, size.bytes));
  }

  /** Reads the root window's top-left `width` x `height` into the segment; false on an X error. */
  async read(root: bigint): Promise<boolean> {
    const ok = await this.#libs.xext.XShmGetImage(this.#dpy, root, this.#image, 0, 0, ALL_PLANES);
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
