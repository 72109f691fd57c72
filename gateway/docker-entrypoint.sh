#!/bin/sh
# Flowgate gateway container entrypoint.
#
# Supervisor mode (default): onboards the gateway (registration with REGISTRATION_TOKEN, or a
# given OPAMP_TOKEN, or the token stored in the storage volume by an earlier start), writes
# the supervisor config and runs the OpAMP supervisor, which runs the collector.
# Extension mode (FLOWGATE_MODE=extension): same onboarding, then the collector runs alone with
# its opamp extension connected to the control plane, and heartbeat.sh reports liveness.
#
# Any arguments are run instead (e.g. `docker run IMAGE sh`), and `--version` prints versions.
set -eu

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
log() { printf '%s [flowgate-entrypoint] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

if [ "$#" -gt 0 ]; then
  case "$1" in
    --version)
      "${COLLECTOR_BIN:-$SCRIPT_DIR/otelcol-flowgate}" --version
      exit 0
      ;;
    *) exec "$@" ;;
  esac
fi

export STORAGE_DIR="${STORAGE_DIR:-/var/lib/flowgate-gateway}"
export FLOWGATE_MODE="${FLOWGATE_MODE:-supervisor}"

if [ -z "${REGISTRATION_TOKEN:-}" ] && [ -z "${OPAMP_TOKEN:-}" ] && [ ! -s "$STORAGE_DIR/opamp_token" ]; then
  log "ERROR: nothing to authenticate with. Set REGISTRATION_TOKEN (and BACKEND_URL) to register this"
  log "gateway, or OPAMP_TOKEN (and OPAMP_SERVER_URL) if it is already registered. The OpAMP token is"
  log "then kept in $STORAGE_DIR (mount a volume there so restarts keep the gateway's identity)."
  exit 1
fi

log "mode: $FLOWGATE_MODE; storage: $STORAGE_DIR"
exec "$SCRIPT_DIR/onboard.sh"
