#!/bin/bash
# selkies-hpc: runs a session job's command and passes SLURM's signals on to it. Not a job script: the job
# scripts (sbatch/selkies.sh, and every script `selkies-hpc render` writes) end with
#
#   exec "$SELKIES_HPC_HOME/sbatch/supervise.sh" COMMAND [ARG...]
#
# so this process becomes the batch shell, the one SLURM signals: USR1 before the walltime
# (--signal=B:USR1@<seconds>) is passed on so the streamer can warn the user, TERM and INT are passed on too,
# and it waits for the command and exits with its status. This is the one copy of that rule.
set -euo pipefail
if [ "$#" -eq 0 ]; then
  echo "usage: supervise.sh COMMAND [ARG...]" >&2
  exit 2
fi
child=
forward() { if [ -n "$child" ]; then kill -"$1" "$child" 2>/dev/null || true; fi; }
trap 'echo "selkies-hpc: walltime ends in ${SELKIES_WALLTIME_WARNING_SECONDS:-?}s" >&2; forward USR1' USR1
trap 'forward TERM' TERM INT
"$@" &
child=$!
while :; do
  rc=0; wait "$child" || rc=$?
  kill -0 "$child" 2>/dev/null || break # still running: wait was cut short by a trapped signal
done
exit "$rc"
