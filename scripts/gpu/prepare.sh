#!/bin/bash
# Builds .gpu-carry/bundle.tar.xz: everything `selkies-hpc stream` and bench/gpu.ts need on a GPU node
# that has only an NVIDIA driver and a plain Ubuntu (no GStreamer, Xvfb, Mesa, Deno; no network).
#
# What goes in (see docs/gpu.md): the pinned deno binary; node_modules (deno runs offline from it);
# gst-launch/gst-inspect, gst-plugin-scanner and only the GStreamer plugins a WebSocket session uses (+ nvcodec, openh264 and vpx so the encoder probe has something to reject or fall back to);
# the hybrid encoding's libXdamage, libXext, libwebp and libturbojpeg;
# Xvfb, xkbcomp, xkb-data, xauth, xclip; the glvnd GL loaders (libEGL, libGLESv2, libGL, libOpenGL); and
# glspin (scripts/gpu/glspin.c), the EGL test program; VirtualGL (.tools/virtualgl) and glxinfo/glxgears. Shared libraries are taken from this Debian 12 box
# by ELF closure (ldd of exactly those files), not by package dependency closure, which for plugins-bad
# is ~800 MB. glibc, libstdc++ and libgcc_s are left out: the node's (newer) ones serve.
#
# Usage: scripts/gpu/prepare.sh            (run from anywhere, as root the first time: it installs the
#                                          packages of scripts/packages.txt and scripts/gpu/packages.txt)
set -euo pipefail
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/../.." && pwd)
"$ROOT/scripts/install.sh"
missing=$(grep -v '^#' "$ROOT/scripts/gpu/packages.txt" | while read -r pkg; do
  [ -z "$pkg" ] || dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
done)
if [ -n "$missing" ]; then
  echo "gpu-carry: installing build packages: $missing" >&2
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
OUTDIR="$ROOT/.gpu-carry"
STAGE=$(mktemp -d /tmp/selkies-gpu-stage.XXXXXX)
trap 'rm -rf "$STAGE"' EXIT
ARCH=/usr/lib/x86_64-linux-gnu
GST=$ARCH/gstreamer-1.0
mkdir -p "$STAGE"/{bin,lib/gstreamer-1.0,libexec,share/X11,virtualgl}

echo "gpu-carry: deno and node_modules" >&2
"$ROOT/scripts/deno" --version >/dev/null # installs the pinned deno into .tools on first use
cp "$ROOT/.tools/node_modules/@deno/linux-x64-glibc/deno" "$STAGE/bin/deno"
cat "$ROOT/.tools/version" >"$STAGE/deno-version"
# Resolve the npm packages once (offline afterwards). All of them: with "nodeModulesDir": "auto" deno
# insists on every package of the lock file (playwright-core too, though nothing here drives Chromium).
(cd "$ROOT" && ./scripts/deno cache cli.ts bench/gpu.ts >/dev/null)
tar -C "$ROOT" -cf - node_modules | tar -C "$STAGE" -xf -
# deno still asks the registry for some packages' metadata at start: its cached copies answer offline.
DENO_CACHE=$(cd "$ROOT" && ./scripts/deno info --json | sed -n 's/.*"denoDir": *"\([^"]*\)".*/\1/p')
mkdir -p "$STAGE/deno-dir"
(cd "$DENO_CACHE" && find npm -name registry.json | tar -cf - -T -) | tar -C "$STAGE/deno-dir" -xf -

echo "gpu-carry: programs, plugins, xkb data" >&2
cc -O2 -Wall -o "$STAGE/bin/glspin" "$ROOT/scripts/gpu/glspin.c" -lEGL -lGLESv2 -lX11 -lXext
for p in gst-launch-1.0 gst-inspect-1.0 xkbcomp xauth xclip; do cp "$(command -v $p)" "$STAGE/bin/"; done
cp /usr/bin/Xvfb "$STAGE/bin/Xvfb.real"
cp "$ROOT/scripts/gpu/Xvfb" "$STAGE/bin/Xvfb"
cp "$ARCH/gstreamer1.0/gstreamer-1.0/gst-plugin-scanner" "$STAGE/libexec/"
# The carried plugins: scripts/gpu/plugins.txt (its test checks them against every pipeline the media code emits).
PLUGINS=$(grep -v '^[#-]' "$ROOT/scripts/gpu/plugins.txt")
for p in $PLUGINS; do cp "$GST/libgst$p.so" "$STAGE/lib/gstreamer-1.0/"; done
cp -r /usr/share/X11/xkb "$STAGE/share/X11/xkb"
# VirtualGL (scripts/virtualgl.sh's build: vglrun, the faker, eglinfo, glxspheres64) and mesa-utils' GLX programs.
"$ROOT/scripts/virtualgl.sh"
cp -r "$ROOT/.tools/virtualgl/bin" "$ROOT/.tools/virtualgl/lib" "$STAGE/virtualgl/"
for p in glxinfo glxgears; do cp -L "$(command -v $p)" "$STAGE/bin/$p"; done
# Libraries deno opens with dlopen (streamer/gst, streamer/x11, streamer/codec: the hybrid encoding's XShm
# grabber with XDamage, its WebP and JPEG tiles) and the GL loaders glspin and Xvfb use.
DLOPEN="libgstreamer-1.0.so.0 libgobject-2.0.so.0 libglib-2.0.so.0 libgstapp-1.0.so.0 libgstvideo-1.0.so.0
  libgstwebrtc-1.0.so.0 libgstsdp-1.0.so.0 libX11.so.6 libXfixes.so.3 libXrandr.so.2 libXtst.so.6
  libXdamage.so.1 libXext.so.6 libwebp.so.7 libturbojpeg.so.0
  libEGL.so.1 libGLESv2.so.2 libGL.so.1 libGLX.so.0 libOpenGL.so.0 libGLdispatch.so.0"
for l in $DLOPEN; do cp -L "$ARCH/$l" "$STAGE/lib/"; done

echo "gpu-carry: shared library closure" >&2
# The node's own C and C++ runtime serve; everything else an ELF file here needs is copied in.
SKIP='^(linux-vdso|ld-linux|libc|libm|libdl|libpthread|librt|libresolv|libutil|libstdc\+\+|libgcc_s)\.so'
elves() { find "$STAGE/bin" "$STAGE/lib" "$STAGE/libexec" "$STAGE/virtualgl" -type f ! -name '*.sh' ! -name deno -exec sh -c \
  'head -c4 "$1" | grep -q ELF' _ {} \; -print; }
while :; do
  added=0
  for f in $(elves); do
    ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | while read -r name path; do
      [[ $name =~ $SKIP ]] && continue
      [ -e "$STAGE/lib/$name" ] || { cp -L "$path" "$STAGE/lib/$name"; echo x; }
    done
  done | grep -q x && added=1
  [ $added = 1 ] || break
done
strip --strip-unneeded "$STAGE"/bin/* "$STAGE"/lib/*.so* "$STAGE"/lib/gstreamer-1.0/*.so \
  "$STAGE"/libexec/* "$STAGE"/virtualgl/lib/*.so "$STAGE"/virtualgl/bin/* 2>/dev/null || true

echo "gpu-carry: check that every library resolves inside the bundle" >&2
missing=0
for f in $(elves); do
  while read -r name path; do
    [[ $name =~ $SKIP ]] && continue
    case "$path" in "$STAGE"/*) ;; *) echo "  $f needs $name from $path" >&2; missing=1 ;; esac
  done < <(LD_LIBRARY_PATH="$STAGE/lib" ldd "$f" 2>/dev/null | awk '$2 == "=>" {print $1, $3}')
done
[ $missing = 0 ] || { echo "gpu-carry: libraries outside the bundle (see above)" >&2; exit 1; }

mkdir -p "$OUTDIR"
echo "gpu-carry: compressing ($(du -sh "$STAGE" | cut -f1) unpacked)" >&2
tar -C "$STAGE" -cf - . | xz -T0 -6 >"$OUTDIR/bundle.tar.xz.part"
mv "$OUTDIR/bundle.tar.xz.part" "$OUTDIR/bundle.tar.xz"
ls -l "$OUTDIR/bundle.tar.xz" >&2
