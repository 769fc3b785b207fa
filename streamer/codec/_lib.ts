// The one place that dlopens libwebp and libturbojpeg, each on first use (a process that never encodes an
// image never loads them). Only non-variadic entry points. Pointers never leave streamer/codec/.
//
// libwebp's advanced API takes structs whose layout is fixed by its ABI version: WEBP_ENCODER_ABI_VERSION
// 0x020f (libwebp 1.2.x, Debian 12's libwebp7 1.2.4; the major byte, 2, is what the library checks). Their
// offsets (LP64) are in webp.ts, checked with offsetof() against libwebp-dev 1.2.4's encode.h.
import { CodecError } from "./frame.ts";

const P = "pointer" as const;
const BUF = "buffer" as const;

const WEBP = {
  WebPConfigInitInternal: { parameters: [BUF, "i32", "f32", "i32"], result: "i32" },
  WebPPictureInitInternal: { parameters: [BUF, "i32"], result: "i32" },
  WebPPictureImportBGRX: { parameters: [BUF, BUF, "i32"], result: "i32" },
  WebPEncode: { parameters: [BUF, BUF], result: "i32" },
  WebPPictureFree: { parameters: [BUF], result: "void" },
  WebPMemoryWriterInit: { parameters: [BUF], result: "void" },
  WebPMemoryWriterClear: { parameters: [BUF], result: "void" },
  WebPDecodeBGRA: { parameters: [BUF, "usize", BUF, BUF], result: P },
  WebPFree: { parameters: [P], result: "void" },
} as const;

const TURBOJPEG = {
  tjInitCompress: { parameters: [], result: P },
  tjInitDecompress: { parameters: [], result: P },
  tjCompress2: {
    parameters: [P, BUF, "i32", "i32", "i32", "i32", BUF, BUF, "i32", "i32", "i32"],
    result: "i32",
  },
  tjDecompressHeader3: { parameters: [P, BUF, "u64", BUF, BUF, BUF, BUF], result: "i32" },
  tjDecompress2: { parameters: [P, BUF, "u64", BUF, "i32", "i32", "i32", "i32", "i32"], result: "i32" },
  tjGetErrorStr2: { parameters: [P], result: P },
  tjFree: { parameters: [P], result: "void" },
} as const;

const LIBC = {
  dlopen: { parameters: [BUF, "i32"], result: P },
  dlsym: { parameters: [P, BUF], result: P },
} as const;

type Lib<S extends Deno.ForeignLibraryInterface> = Deno.DynamicLibrary<S>["symbols"];

/** libwebp, and the address of its memory writer (a C function the encoder calls with each chunk). */
export interface WebpLib {
  fn: Lib<typeof WEBP>;
  memoryWrite: NonNullable<Deno.PointerValue>;
}

let webp: WebpLib | null = null;
let turbojpeg: Lib<typeof TURBOJPEG> | null = null;

function open<S extends Deno.ForeignLibraryInterface>(name: string, pkg: string, symbols: S): Lib<S> {
  try {
    return Deno.dlopen(name, symbols).symbols;
  } catch (error) {
    throw new CodecError(`cannot load ${name}: install Debian's ${pkg} (scripts/install.sh)`, {
      cause: error,
    });
  }
}

/** libwebp.so.7, loaded once. */
export function webpLib(): WebpLib {
  if (webp) return webp;
  const fn = open("libwebp.so.7", "libwebp7", WEBP);
  // WebPMemoryWrite is passed to the encoder as a function pointer: dlsym gives its address (dlopen of a
  // loaded library returns the same handle), so no JS callback runs inside an encode.
  const libc = Deno.dlopen("libc.so.6", LIBC).symbols;
  const handle = libc.dlopen(cstr("libwebp.so.7"), 2 /* RTLD_NOW */);
  const memoryWrite = handle && libc.dlsym(handle, cstr("WebPMemoryWrite"));
  if (!memoryWrite) throw new CodecError("libwebp.so.7 has no WebPMemoryWrite");
  webp = { fn, memoryWrite };
  return webp;
}

/** libturbojpeg.so.0, loaded once. */
export function turbojpegLib(): Lib<typeof TURBOJPEG> {
  turbojpeg ??= open("libturbojpeg.so.0", "libturbojpeg0", TURBOJPEG);
  return turbojpeg;
}

/** A NUL-terminated C string. */
export function cstr(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text + "\0");
}

/** The bytes at `ptr` (owned by C), copied into JS memory. */
export function copyOut(ptr: NonNullable<Deno.PointerValue>, length: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(ptr, length).slice(0));
}
