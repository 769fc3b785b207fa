#!/bin/sh
# Installs the system packages in scripts/packages.txt (idempotent: a no-op when all are present)
# and the pinned Deno (scripts/deno). Run as root on Debian 12.
set -eu
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
wanted=$(grep -v '^#' "$ROOT/scripts/packages.txt" | tr -s ' \n' ' ')
missing=""
for pkg in $wanted; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  case "$status" in *"install ok installed"*) ;; *) missing="$missing $pkg" ;; esac
done
# npm fetches the pinned Deno; Node images ship it outside dpkg, so test for the command.
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: missing packages:$missing" >&2
    echo "install.sh: run this script as root (sudo $0) to install them" >&2
    exit 1
  fi
  echo "install.sh: installing$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  # Debian starts these services on install; the project runs its own instances.
  for svc in munge slurmctld slurmd coturn nginx; do
    systemctl disable --now "$svc" >/dev/null 2>&1 || service "$svc" stop >/dev/null 2>&1 || true
  done
fi
"$ROOT/scripts/deno" --version >/dev/null
# VirtualGL from its vendored source into .tools/virtualgl (~90 s once; skipped when built from the same
# tarball): the GLX-under-VirtualGL tests use it.
"$ROOT/scripts/virtualgl.sh"
echo "install.sh: system packages and Deno are ready" >&2
