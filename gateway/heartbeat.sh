#!/bin/sh
# Flowgate gateway heartbeat (extension mode).
#
#   heartbeat.sh [--once]
#
# Every HEARTBEAT_INTERVAL seconds (default 30):
#   POST $BACKEND_URL/api/v1/opamp/heartbeat/$INSTANCE_ID   Authorization: Bearer <OpAMP token>
# The token is $OPAMP_TOKEN or the one onboard.sh stored in $STORAGE_DIR/opamp_token;
# INSTANCE_ID defaults to the one stored in $STORAGE_DIR/instance_id. Log lines carry
# "HEARTBEAT". Stops when the process HEARTBEAT_PARENT_PID (if set) is gone, on SIGTERM/SIGINT,
# or after one beat with --once (exit status 0 only if the server answered 2xx).
#
# POSIX sh (dash); needs curl.
set -eu

log() { printf '%s [flowgate-heartbeat] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "HEARTBEAT ERROR: $*"; exit 1; }

ONCE=0
for arg in "$@"; do
  case "$arg" in
    --once) ONCE=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

STORAGE_DIR=${STORAGE_DIR:-/var/lib/flowgate-gateway}
HEARTBEAT_INTERVAL=${HEARTBEAT_INTERVAL:-30}
HEARTBEAT_PARENT_PID=${HEARTBEAT_PARENT_PID:-}

case "$HEARTBEAT_INTERVAL" in
  ''|*[!0-9]*|0) die "HEARTBEAT_INTERVAL must be a positive number of seconds (got '$HEARTBEAT_INTERVAL')" ;;
esac
[ -n "${BACKEND_URL:-}" ] || die "BACKEND_URL is not set"
if [ -z "${INSTANCE_ID:-}" ] && [ -s "$STORAGE_DIR/instance_id" ]; then
  INSTANCE_ID=$(tr -d '\r\n' <"$STORAGE_DIR/instance_id")
fi
[ -n "${INSTANCE_ID:-}" ] || die "INSTANCE_ID is not set and $STORAGE_DIR/instance_id does not exist"

token() {
  if [ -n "${OPAMP_TOKEN:-}" ]; then
    printf '%s' "$OPAMP_TOKEN"
  elif [ -s "$STORAGE_DIR/opamp_token" ]; then
    tr -d '\r\n' <"$STORAGE_DIR/opamp_token"
  fi
}

URL="${BACKEND_URL%/}/api/v1/opamp/heartbeat/$INSTANCE_ID"
trap 'log "HEARTBEAT stopping"; exit 0' TERM INT

parent_alive() {
  [ -z "$HEARTBEAT_PARENT_PID" ] || kill -0 "$HEARTBEAT_PARENT_PID" 2>/dev/null
}

beat() {
  tok=$(token)
  if [ -z "$tok" ]; then
    log "HEARTBEAT skipped: no OpAMP token (OPAMP_TOKEN or $STORAGE_DIR/opamp_token)"
    return 1
  fi
  code=$(curl -sS -o /dev/null -w '%{http_code}' --connect-timeout 5 --max-time 10 \
    -X POST "$URL" -H "Authorization: Bearer $tok" 2>/dev/null) || code=000
  case "$code" in
    2??) log "HEARTBEAT ok ($INSTANCE_ID, HTTP $code)"; return 0 ;;
    *) log "HEARTBEAT failed ($INSTANCE_ID, HTTP $code from $URL)"; return 1 ;;
  esac
}

if [ "$ONCE" = 1 ]; then
  beat
  exit $?
fi

log "HEARTBEAT every ${HEARTBEAT_INTERVAL}s to $URL"
while parent_alive; do
  beat || true
  # Sleep in the background so that TERM is handled promptly.
  sleep "$HEARTBEAT_INTERVAL" &
  wait $! || true
done
log "HEARTBEAT stopping: process $HEARTBEAT_PARENT_PID is gone"
