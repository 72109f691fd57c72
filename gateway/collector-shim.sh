#!/bin/sh
# The supervisor's agent.executable: runs the real collector ($FLOWGATE_COLLECTOR_BIN, set
# through agent.env in supervisor.yaml) with exec, so the supervisor manages the collector's own
# process, PID and signals.
#
# One correction, for `validate` only: opampsupervisor (agent.validate_config; v0.149.0 and still
# v0.158.0) runs
#   <collector> validate --config <candidate.yaml> --config <storage>/effective.yaml [flags]
# i.e. it merges the RUNNING config over the candidate (upstream issue #50153: commander.go
# ValidateConfig appends the commander's own --config). That lets some broken configs pass, and
# once one is running, rejects every later config, the last good one included. The candidate is
# already the complete merged config, so this drops every --config after the first. See
# gateway/README.md.
set -eu

real=${FLOWGATE_COLLECTOR_BIN:?FLOWGATE_COLLECTOR_BIN must name the collector binary}

# `featuregate`: the supervisor (v0.158.0, commander.go StartOneShot) reads this output in goroutines
# that race with cmd.Wait(), which closes the pipes as soon as the process has exited ("Error reading
# agent stdout: file already closed"): on a busy host the end of the list is lost, service.AllowNoPipelines
# with it, and the supervisor then bootstraps with a `nop` receiver this distribution does not have
# ("collector's OpAMP client never connected"). Staying alive a moment after the output lets the readers
# drain the pipe first.
if [ "${1:-}" = featuregate ]; then
  status=0
  "$real" "$@" || status=$?
  sleep 0.5 2>/dev/null || sleep 1
  exit "$status"
fi

if [ "${1:-}" != validate ]; then
  exec "$real" "$@"
fi

# Rebuild the argument list without the second and later --config options.
n=$#
i=0
configs=0
drop_next=0
while [ "$i" -lt "$n" ]; do
  arg=$1
  shift
  i=$((i + 1))
  if [ "$drop_next" = 1 ]; then
    drop_next=0
    continue
  fi
  case "$arg" in
    --config)
      configs=$((configs + 1))
      if [ "$configs" -gt 1 ]; then
        drop_next=1
        continue
      fi
      ;;
    --config=*)
      configs=$((configs + 1))
      [ "$configs" -gt 1 ] && continue
      ;;
  esac
  set -- "$@" "$arg"
done
exec "$real" "$@"
