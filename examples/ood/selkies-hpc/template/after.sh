# Sourced by OnDemand's job script after script.sh is forked, just before it writes connection.yml (which
# shows the Launch button): wait until the streamer listens, so the button works when it appears.
if ! wait_until_port_used "${host}:${port}" 120; then
  echo "selkies-hpc: the streamer did not listen on port ${port} within 120 s; see the log above" >&2
  clean_up 1
fi
