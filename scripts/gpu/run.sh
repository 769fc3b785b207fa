#!/bin/bash
# Runs selkies-hpc's GPU-node benchmark on a bare NVIDIA node (driver only: no GStreamer, Xvfb, Mesa,
# Deno or network) from the repository root, using only what scripts/gpu/prepare.sh packed into
# .gpu-carry/bundle.tar.xz. With the device tool: run(command="scripts/gpu/run.sh", carry=[".gpu-carry"]).
#
#   scripts/gpu/run.sh [bench/gpu.ts arguments, e.g. --cases gl-1080p60 --seconds 10] [--next more...]
#
# Writes to $OUT (default docs/results/gpu/local): run.log (everything printed), node.txt (OS, GPU,
# driver libraries), nvcodec.txt (what GStreamer's NVIDIA plugin registers, with its debug log),
# doctor.json (`selkies-hpc doctor --json`), gpu.json and gpu.md (bench/gpu.ts).
# As root on a node without /usr/bin/xkbcomp it links the carried one there: Xvfb runs it from that
# compiled-in path (no option changes it).
set -uo pipefail
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/../.." && pwd)
cd "$ROOT"
OUT=${OUT:-$ROOT/docs/results/gpu/local}
B=${SELKIES_GPU_ROOT:-/tmp/selkies-gpu}
mkdir -p "$OUT"
exec > >(tee "$OUT/run.log") 2>&1

echo "== unpacking .gpu-carry/bundle.tar.xz into $B"
rm -rf "$B" && mkdir -p "$B"
xz -dc .gpu-carry/bundle.tar.xz | tar -C "$B" -xf - || { echo "cannot unpack the bundle"; exit 2; }
# scripts/deno runs the pinned binary from .tools; deno reads the npm packages from node_modules (offline).
# An existing .tools (a developer's checkout) is left alone.
if [ ! -x .tools/node_modules/@deno/linux-x64-glibc/deno ]; then
  mkdir -p .tools/node_modules/@deno/linux-x64-glibc
  ln -s "$B/bin/deno" .tools/node_modules/@deno/linux-x64-glibc/deno
  cp "$B/deno-version" .tools/version
fi
[ -e node_modules ] || mv "$B/node_modules" node_modules

NV_LIBS=""
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [ -d "$d" ] && NV_LIBS="$NV_LIBS:$d"; done
export PATH="$B/bin:$PATH:$B/virtualgl/bin" LD_LIBRARY_PATH="$B/lib$NV_LIBS"
# vglrun preloads its fakers by name from the lib folder named in .vglrun.vars64 (an older bundle: the build's).
sed -i "s|^VGL_LIBDIR=.*|VGL_LIBDIR=$B/virtualgl/lib|" "$B/virtualgl/bin/.vglrun.vars64"
export GST_PLUGIN_SYSTEM_PATH_1_0="$B/lib/gstreamer-1.0" GST_PLUGIN_PATH_1_0="" \
  GST_PLUGIN_SCANNER_1_0="$B/libexec/gst-plugin-scanner" GST_REGISTRY_1_0="$B/registry.bin"
NV_EGL=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
if [ -e "$NV_EGL" ]; then export __EGL_VENDOR_LIBRARY_FILENAMES="$NV_EGL" __GLX_VENDOR_LIBRARY_NAME=nvidia; fi
if [ ! -e /usr/bin/xkbcomp ] && [ -w /usr/bin ]; then ln -s "$B/bin/xkbcomp" /usr/bin/xkbcomp; fi
export DENO_NO_UPDATE_CHECK=1 DENO_DIR="$B/deno-dir"

echo "== node"
{
  uname -a; grep PRETTY_NAME /etc/os-release; echo "cores: $(nproc)"
  lscpu 2>/dev/null | grep -E "Model name|MHz|Thread|Core|Socket|Flags" | cut -c1-400
  nvidia-smi || echo "nvidia-smi: not found"
  nvidia-smi -q 2>/dev/null | grep -iA3 "encoder\|^ *Product Name\|Driver Version"
  echo "-- driver libraries the loader finds:"
  PATH="$PATH:/usr/sbin:/sbin" ldconfig -p | grep -E "libcuda\.so|nvidia-encode|EGL_nvidia|GLX_nvidia|nvcuvid" || echo "(none in ld.so.cache)"
  echo "-- EGL vendor file: ${__EGL_VENDOR_LIBRARY_FILENAMES:-default}"
} >"$OUT/node.txt" 2>&1
cat "$OUT/node.txt"

echo "== GStreamer's nvcodec plugin (fresh registry, scanned in-process with its debug log)"
GST_REGISTRY_1_0="$B/registry-nvcodec.bin" GST_REGISTRY_FORK=no GST_DEBUG="nvcodec:5,nvenc:5,cuda*:4" \
  timeout 60 gst-inspect-1.0 nvcodec 2>&1 | head -400 >"$OUT/nvcodec.txt"
grep -E "^  nv|Features|Plugin Details|No such element|not found" "$OUT/nvcodec.txt" | head -20
gst-inspect-1.0 nvh264enc >/dev/null 2>&1 && echo "nvh264enc: registered" || echo "nvh264enc: NOT registered"

echo "== VirtualGL: its EGL devices, and glxinfo -B under vglrun -d egl on a private Xvfb"
{
  eglinfo -e; for d in $(eglinfo -e | sed -n 's/^EGL device ID: \(egl[0-9]*\).*/\1/p'); do eglinfo -B "$d"; done
  Xvfb :93 -screen 0 1280x720x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
  sleep 1
  DISPLAY=:93 timeout 30 vglrun +v -d egl glxinfo -B
  kill $xvfb
} >"$OUT/glxinfo.txt" 2>&1
cat "$OUT/glxinfo.txt"

echo "== selkies-hpc doctor --json"
./selkies-hpc doctor --json >"$OUT/doctor.json"
cat "$OUT/doctor.json"

# Argument groups separated by --next run one after another; the second writes to $OUT/run2, etc.
n=1 group=()
bench() {
  local out="$OUT"
  [ "$n" = 1 ] || out="$OUT/run$n"
  echo "== bench/gpu.ts ${group[*]}"
  ./scripts/deno run -A bench/gpu.ts --out "$out" "${group[@]}"
  echo "bench exit code: $?"
  n=$((n + 1)) group=()
}
for a in "$@"; do
  if [ "$a" = --next ]; then bench; else group+=("$a"); fi
done
bench
