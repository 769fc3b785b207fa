#!/bin/bash
# selkies-hpc: a remote desktop in your browser, from a SLURM allocation.
#
#   sbatch selkies.sh                                            # the defaults below
#   SELKIES_GEOMETRY=2560x1440 sbatch --partition gpu --gpus 1 selkies.sh
#
# Settings come from SELKIES_* variables (sbatch passes your environment into the job):
#   SELKIES_GEOMETRY   screen size, WIDTHxHEIGHT            (1920x1080)
#   SELKIES_FPS        frames per second                    (60)
#   SELKIES_ENCODER    auto|nvh264|vah264|x264|openh264|vp8 (auto)
#   SELKIES_BITRATE    video bitrate, kbit/s                (8000)
#   SELKIES_AUDIO      true|false                           (true)
#   SELKIES_DESKTOP    desktop command                      (window manager + terminal)
#   SELKIES_APP        one full-screen application instead of a desktop
#   SELKIES_GL         auto|virtualgl-egl|off               (auto)
#   SELKIES_TRANSPORT  auto|webrtc|websocket                (auto)
#   SELKIES_IMAGE      Apptainer image to run the desktop in
#   SELKIES_BINDS      bind mounts for the image, comma-separated
#   SELKIES_GATEWAY    gateway URL to dial out to (then nothing listens on the node)
#   SELKIES_BIND       address to listen on                 (0.0.0.0)
#   SELKIES_HPC_HOME   the selkies-hpc checkout             (found from this script)
# When the session is up, its URL is in $SELKIES_SESSION_DIR/ready.json and in the job log.
# `selkies-hpc render` prints the same job with your flags, config files and site limits applied.
#
#SBATCH --job-name=selkies
#SBATCH --comment=selkies-hpc
#SBATCH --time=01:00:00
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4
#SBATCH --signal=B:USR1@300

set -euo pipefail

# Find the checkout. sbatch runs a spooled copy of this file, so also ask SLURM where it came from.
find_home() {
  local job_script=""
  if [ -n "${SLURM_JOB_ID:-}" ] && command -v scontrol >/dev/null; then
    job_script=$(scontrol show job -o "$SLURM_JOB_ID" 2>/dev/null | sed -n 's/.*Command=\([^ ]*\).*/\1/p')
  fi
  local dir
  for dir in "${SELKIES_HPC_HOME:-}" "$(dirname -- "$0")/.." "${job_script:+$(dirname -- "$job_script")/..}" \
    "${SLURM_SUBMIT_DIR:-.}" "${SLURM_SUBMIT_DIR:-.}/.."; do
    if [ -n "$dir" ] && [ -x "$dir/selkies-hpc" ]; then (cd -- "$dir" && pwd); return; fi
  done
  echo "selkies-hpc: cannot find the selkies-hpc checkout; set SELKIES_HPC_HOME" >&2
  exit 2
}
export SELKIES_HPC_HOME
SELKIES_HPC_HOME=$(find_home)

# The session folder holds the secret (token, 0600, made by the streamer) and ready.json.
export SELKIES_SESSION_DIR="${SELKIES_SESSION_DIR:-$HOME/.local/share/selkies-hpc/sessions/slurm-${SLURM_JOB_ID:-$$}}"
export SELKIES_READY_FILE="$SELKIES_SESSION_DIR/ready.json"
export SELKIES_WALLTIME_WARNING_SECONDS=300
mkdir -p -m 700 "$SELKIES_SESSION_DIR"

# Session flags, in the order `selkies-hpc render` writes them.
args=(
  --geometry "${SELKIES_GEOMETRY:-1920x1080}"
  --fps "${SELKIES_FPS:-60}"
  --encoder "${SELKIES_ENCODER:-auto}"
  --bitrate "${SELKIES_BITRATE:-8000}"
)
case "${SELKIES_AUDIO:-true}" in
  0 | false | no | off) args+=(--no-audio) ;;
  *) args+=(--audio) ;;
esac
if [ -n "${SELKIES_DESKTOP:-}" ]; then args+=(--desktop "$SELKIES_DESKTOP"); fi
if [ -n "${SELKIES_APP:-}" ]; then args+=(--app "$SELKIES_APP"); fi
args+=(--gl "${SELKIES_GL:-auto}" --transport "${SELKIES_TRANSPORT:-auto}")
if [ -n "${SELKIES_IMAGE:-}" ]; then args+=(--image "$SELKIES_IMAGE"); fi
IFS=, read -r -a binds <<<"${SELKIES_BINDS:-}"
for b in "${binds[@]}"; do if [ -n "$b" ]; then args+=(--binds "$b"); fi; done
if [ -n "${SELKIES_GATEWAY:-}" ]; then args+=(--gateway "$SELKIES_GATEWAY"); fi
args+=(--bind "${SELKIES_BIND:-$([ -n "${SELKIES_GATEWAY:-}" ] && echo 127.0.0.1 || echo 0.0.0.0)}")

# SLURM sends USR1 to this shell 300 s before the walltime: pass it on so the streamer can warn the
# user; pass TERM/INT on too, then wait for the streamer to finish.
child=
forward() { if [ -n "$child" ]; then kill -"$1" "$child" 2>/dev/null || true; fi; }
trap 'echo "selkies-hpc: walltime ends in ${SELKIES_WALLTIME_WARNING_SECONDS}s" >&2; forward USR1' USR1
trap 'forward TERM' TERM INT
"$SELKIES_HPC_HOME/selkies-hpc" stream --session-dir "$SELKIES_SESSION_DIR" --ready-file "$SELKIES_READY_FILE" \
  "${args[@]}" &
child=$!
while :; do
  rc=0; wait "$child" || rc=$?
  kill -0 "$child" 2>/dev/null || break # still running: wait was cut short by a trapped signal
done
exit "$rc"
