# Sourced by OnDemand's job script after script.sh is forked, just before it writes connection.yml (which
# shows the Launch button): wait until the streamer listens, so the button works when it appears, and end
# the job at once (not after a timeout) when the streamer stopped before it listened.
for ((selkies_wait = 0; selkies_wait < 240; selkies_wait++)); do
  port_used "${host}:${port}" && break
  if ! kill -0 "${SCRIPT_PID}" 2>/dev/null; then
    echo "selkies-hpc: the streamer ended before it listened; see its log above" >&2
    clean_up 1
  fi
  sleep 0.5
done
if ! port_used "${host}:${port}"; then
  echo "selkies-hpc: the streamer did not listen on port ${port} within 120 s; see its log above" >&2
  clean_up 1
fi
