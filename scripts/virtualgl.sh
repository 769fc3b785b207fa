#!/bin/sh
# Builds VirtualGL from its release source and installs it into .tools/virtualgl (bin/vglrun, lib/libvglfaker.so,
# bin/eglinfo, bin/glxspheres64...). VirtualGL is not in Debian 12; sites install it from its own packages and
# point the streamer at it (PATH, or the `virtualglPath` setting: docs/gpu.md). The tests use this build.
#
#   scripts/virtualgl.sh [TARBALL]   default: $VIRTUALGL_TARBALL, else third_party/virtualgl-3.1.4.tar.gz
#
# The default source is VirtualGL's 3.1.4 release tarball, unmodified, kept in the repository (2 MB) so that a
# fresh CI machine builds the same thing; its SHA-256 is checked. A no-op when .tools/virtualgl was built from a
# tarball with the same SHA-256 (kept in .tools/virtualgl/.source). The build packages are in
# scripts/virtualgl-packages.txt (installed here when run as root). ~70-90 s on 2 cores.
set -eu
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
VENDORED="$ROOT/third_party/virtualgl-3.1.4.tar.gz"
VENDORED_SHA256=f8caa400ffc592b55ed3e4b92f81abc777ce54102a1fb169dda4975bf525c8cf
TARBALL=${1:-${VIRTUALGL_TARBALL:-$VENDORED}}
PREFIX="$ROOT/.tools/virtualgl"
if [ ! -f "$TARBALL" ]; then
  echo "virtualgl.sh: no VirtualGL source at $TARBALL (give a release tarball as the argument)" >&2
  exit 1
fi
SUM=$(sha256sum "$TARBALL" | cut -d' ' -f1)
if [ "$TARBALL" = "$VENDORED" ] && [ "$SUM" != "$VENDORED_SHA256" ]; then
  echo "virtualgl.sh: $TARBALL is not VirtualGL 3.1.4's release (SHA-256 $SUM)" >&2
  exit 1
fi
# vglrun finds its fakers through the lib folder .vglrun.vars64 names: relative to vglrun, so the install can move
# (scripts/gpu/prepare.sh carries it to a GPU node).
relocatable() {
  sed -i 's|^VGL_LIBDIR=.*|VGL_LIBDIR=$(CDPATH= cd -- "$MYPATH/../lib" \&\& pwd)|' "$PREFIX/bin/.vglrun.vars64"
}
if [ -x "$PREFIX/bin/vglrun" ] && [ "$(cat "$PREFIX/.source" 2>/dev/null)" = "$SUM" ]; then
  relocatable
  echo "virtualgl.sh: .tools/virtualgl is built from this source already" >&2
  exit 0
fi

missing=""
for pkg in $(grep -v '^#' "$ROOT/scripts/virtualgl-packages.txt"); do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "virtualgl.sh: missing build packages:$missing (run as root to install them)" >&2
    exit 1
  fi
  echo "virtualgl.sh: installing$missing" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

WORK=$(mktemp -d /tmp/selkies-virtualgl.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
tar -C "$WORK" -xzf "$TARBALL"
SRC=$(find "$WORK" -mindepth 1 -maxdepth 1 -type d | head -1)
mkdir "$WORK/build"
start=$(date +%s)
# No X Video (no XVideo transport for a session's Xvfb) and no OpenCL interposer (nothing here uses OpenCL
# interop). The faker, its XCB interposer (Qt 5 apps: ParaView, napari), vglrun, eglinfo and the GLX demos stay.
(cd "$WORK/build" && cmake -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" \
  -DVGL_USEXV=0 -DVGL_FAKEOPENCL=0 "$SRC" >"$WORK/cmake.log" 2>&1) ||
  { tail -30 "$WORK/cmake.log" >&2; echo "virtualgl.sh: cmake failed" >&2; exit 1; }
(cd "$WORK/build" && make -j"$(nproc)" >"$WORK/make.log" 2>&1) ||
  { tail -30 "$WORK/make.log" >&2; echo "virtualgl.sh: build failed" >&2; exit 1; }
rm -rf "$PREFIX"
(cd "$WORK/build" && make install >"$WORK/install.log" 2>&1) ||
  { tail -30 "$WORK/install.log" >&2; echo "virtualgl.sh: install failed" >&2; exit 1; }
rm -rf "$PREFIX/share/doc"
relocatable
echo "$SUM" >"$PREFIX/.source"
echo "virtualgl.sh: VirtualGL built into .tools/virtualgl in $(($(date +%s) - start)) s" >&2
