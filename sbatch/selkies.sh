#!/bin/bash
# selkies-hpc: a remote desktop in your browser, from a SLURM allocation.
#
#   sbatch selkies.sh
#   SELKIES_GEOMETRY=2560x1440 sbatch --partition gpu --gpus 1 selkies.sh
#
# The session's settings (geometry, fps, encoder, bitrate, audio, desktop/app, GL, transport, image,
# gateway) are not decided here: `selkies-hpc stream` resolves them in the documented order,
# SELKIES_* variables (sbatch passes your environment into the job) > your
# ~/.config/selkies-hpc/config.yaml > the site config's `defaults:` > built-in defaults, exactly as
# `selkies-hpc submit` does. `selkies-hpc stream --help` lists every setting and its variable.
# This script only decides what belongs to the job itself:
#   SELKIES_SESSION_DIR  the session folder (~/.local/share/selkies-hpc/sessions/slurm-<jobid>)
#   SELKIES_BIND         address to listen on (0.0.0.0; a session with a gateway listens on nothing)
#   SELKIES_HPC_HOME     the selkies-hpc checkout (found from this script)
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

# SLURM sends USR1 to this shell 300 s before the walltime, and TERM when the job ends: supervise.sh (the
# same as in a rendered job) becomes this shell, passes them on to the streamer and waits for it.
exec "$SELKIES_HPC_HOME/sbatch/supervise.sh" \
  "$SELKIES_HPC_HOME/selkies-hpc" stream --session-dir "$SELKIES_SESSION_DIR" --ready-file "$SELKIES_READY_FILE" \
  --bind "${SELKIES_BIND:-0.0.0.0}"
