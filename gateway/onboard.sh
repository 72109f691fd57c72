#!/bin/sh
# Flowgate gateway onboarding.
#
#   onboard.sh [--no-exec]
#
# 1. Gets the gateway's OpAMP token: $OPAMP_TOKEN if set; else the token stored by an earlier
#    run in $STORAGE_DIR/opamp_token; else registers the gateway with $REGISTRATION_TOKEN:
#      POST $BACKEND_URL/api/v1/gateways   Authorization: Bearer <registration token>
#      {"name", "instance_id", "hostname", "ip_address", "metadata"}
#    and keeps `opamp_token` (file mode 600) and `opamp_endpoint` from the JSON response.
# 2. Renders the configuration into $STORAGE_DIR:
#      supervisor mode (default): supervisor.yaml from supervisor.yaml.tmpl
#      extension mode (FLOWGATE_MODE=extension): collector.yaml from
#      collector-extension-mode.yaml.tmpl
# 3. Unless --no-exec: supervisor mode execs the supervisor; extension mode starts
#    heartbeat.sh in the background and execs the collector.
#
# Environment (see gateway/README.md for details):
#   INSTANCE_ID, GATEWAY_NAME, REGISTRATION_TOKEN, OPAMP_TOKEN, OPAMP_SERVER_URL, BACKEND_URL,
#   HEARTBEAT_INTERVAL, STORAGE_DIR, COLLECTOR_BIN, SUPERVISOR_BIN, COLLECTOR_SHIM,
#   COLLECTOR_BASE_CONFIG, FLOWGATE_MODE, ONBOARD_RETRIES, ONBOARD_RETRY_DELAY.
#
# POSIX sh (dash); needs curl, sed, tr, od, uname. No jq.
set -eu

log() { printf '%s [flowgate-onboard] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

NO_EXEC=0
for arg in "$@"; do
  case "$arg" in
    --no-exec) NO_EXEC=1 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)

# First existing file among the arguments (prints nothing if none exists).
first_existing() {
  for f in "$@"; do
    if [ -e "$f" ]; then printf '%s\n' "$f"; return 0; fi
  done
  return 0
}

FLOWGATE_MODE=${FLOWGATE_MODE:-supervisor}
case "$FLOWGATE_MODE" in
  supervisor|extension) ;;
  *) die "FLOWGATE_MODE must be 'supervisor' or 'extension', got '$FLOWGATE_MODE'" ;;
esac

STORAGE_DIR=${STORAGE_DIR:-/var/lib/flowgate-gateway}
# Binaries: next to this script (container layout) or in ./dist (repository layout).
COLLECTOR_BIN=${COLLECTOR_BIN:-$(first_existing "$SCRIPT_DIR/otelcol-flowgate" "$SCRIPT_DIR/dist/otelcol-flowgate")}
SUPERVISOR_BIN=${SUPERVISOR_BIN:-$(first_existing "$SCRIPT_DIR/opampsupervisor" "$SCRIPT_DIR/dist/opampsupervisor")}
# The supervisor runs the collector through this shim (see collector-shim.sh).
COLLECTOR_SHIM=${COLLECTOR_SHIM:-$SCRIPT_DIR/collector-shim.sh}
# Unset: the bundled collector-base.yaml; set to an empty string: no base config.
COLLECTOR_BASE_CONFIG=${COLLECTOR_BASE_CONFIG-$SCRIPT_DIR/collector-base.yaml}
SUPERVISOR_TEMPLATE=${SUPERVISOR_TEMPLATE:-$SCRIPT_DIR/supervisor.yaml.tmpl}
EXTENSION_TEMPLATE=${EXTENSION_TEMPLATE:-$SCRIPT_DIR/collector-extension-mode.yaml.tmpl}
ONBOARD_RETRIES=${ONBOARD_RETRIES:-10}
ONBOARD_RETRY_DELAY=${ONBOARD_RETRY_DELAY:-3}

[ -n "$COLLECTOR_BIN" ] && [ -x "$COLLECTOR_BIN" ] ||
  die "collector binary not found or not executable (COLLECTOR_BIN='$COLLECTOR_BIN'); run 'npm run gateway:build' or set COLLECTOR_BIN"
if [ "$FLOWGATE_MODE" = supervisor ]; then
  [ -n "$SUPERVISOR_BIN" ] && [ -x "$SUPERVISOR_BIN" ] ||
    die "supervisor binary not found or not executable (SUPERVISOR_BIN='$SUPERVISOR_BIN'); run 'npm run gateway:build' or set SUPERVISOR_BIN"
  [ -x "$COLLECTOR_SHIM" ] || die "COLLECTOR_SHIM '$COLLECTOR_SHIM' is not executable"
  COLLECTOR_SHIM=$(cd "$(dirname "$COLLECTOR_SHIM")" && pwd)/$(basename "$COLLECTOR_SHIM")
fi

umask 077
mkdir -p "$STORAGE_DIR" || die "cannot create STORAGE_DIR '$STORAGE_DIR'"
STORAGE_DIR=$(cd "$STORAGE_DIR" && pwd)
chmod 700 "$STORAGE_DIR" 2>/dev/null || true
COLLECTOR_BIN=$(cd "$(dirname "$COLLECTOR_BIN")" && pwd)/$(basename "$COLLECTOR_BIN")
if [ -n "$COLLECTOR_BASE_CONFIG" ]; then
  [ -r "$COLLECTOR_BASE_CONFIG" ] || die "COLLECTOR_BASE_CONFIG '$COLLECTOR_BASE_CONFIG' is not readable (set it empty for none)"
  COLLECTOR_BASE_CONFIG=$(cd "$(dirname "$COLLECTOR_BASE_CONFIG")" && pwd)/$(basename "$COLLECTOR_BASE_CONFIG")
fi

# ---------------------------------------------------------------------------------------------
# Small helpers

# Reads a one-line value stored in $STORAGE_DIR/<name> (empty if absent).
stored() {
  if [ -s "$STORAGE_DIR/$1" ]; then tr -d '\r\n' <"$STORAGE_DIR/$1"; fi
}

# Stores a value in $STORAGE_DIR/<name>, mode 600, atomically.
store() {
  printf '%s\n' "$2" >"$STORAGE_DIR/.$1.tmp"
  chmod 600 "$STORAGE_DIR/.$1.tmp"
  mv -f "$STORAGE_DIR/.$1.tmp" "$STORAGE_DIR/$1"
}

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

new_uuid() {
  if [ -r /proc/sys/kernel/random/uuid ]; then
    cat /proc/sys/kernel/random/uuid
  else
    h=$(random_hex 16)
    # version 4, RFC 4122 variant
    printf '%s-%s-4%s-%x%s-%s\n' "$(printf %s "$h" | cut -c1-8)" "$(printf %s "$h" | cut -c9-12)" \
      "$(printf %s "$h" | cut -c14-16)" "$(( (0x$(printf %s "$h" | cut -c17) & 3) | 8 ))" \
      "$(printf %s "$h" | cut -c18-20)" "$(printf %s "$h" | cut -c21-32)"
  fi
}

json_escape() { printf '%s' "$1" | tr -d '\000-\037' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

# Extracts a top-level string field from a JSON document (file) without jq. Good enough for
# the registration response: token and URL values carry no escaped quotes.
json_string_field() {
  tr -d '\r\n' <"$2" |
    sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" |
    sed -e 's|\\/|/|g'
}

# Escapes a value for the replacement side of a sed s||| command.
sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

# Refuses values that would break the rendered YAML (newlines, quotes, backslashes: the values sit
# in double-quoted YAML strings).
check_value() {
  case "$2" in
    *'
'*|*'"'*|*\\*) die "$1 must not contain newlines, double quotes or backslashes" ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Identity

HOSTNAME_VALUE=$(uname -n 2>/dev/null || echo unknown)
INSTANCE_ID=${INSTANCE_ID:-$(stored instance_id)}
if [ -z "$INSTANCE_ID" ]; then
  INSTANCE_ID="$HOSTNAME_VALUE-$(random_hex 4)"
  log "no INSTANCE_ID given: generated '$INSTANCE_ID'"
fi
store instance_id "$INSTANCE_ID"
GATEWAY_NAME=${GATEWAY_NAME:-$INSTANCE_ID}

ip_address() {
  ip=$(hostname -i 2>/dev/null | awk '{print $1}') || ip=
  case "$ip" in
    ''|127.*|::1) ip=$(hostname -I 2>/dev/null | awk '{print $1}') || ip= ;;
  esac
  printf '%s' "$ip"
}

collector_version() {
  "$COLLECTOR_BIN" --version 2>/dev/null | sed -n 's/.* version \([^ ]*\).*/\1/p' | head -n 1
}

# ---------------------------------------------------------------------------------------------
# Registration

register() {
  [ -n "${BACKEND_URL:-}" ] || die "REGISTRATION_TOKEN is set but BACKEND_URL is not (e.g. http://flowgate:8000)"
  url="${BACKEND_URL%/}/api/v1/gateways"
  ip=$(ip_address)
  version=$(collector_version)
  body="{\"name\":\"$(json_escape "$GATEWAY_NAME")\",\"instance_id\":\"$(json_escape "$INSTANCE_ID")\",\"hostname\":\"$(json_escape "$HOSTNAME_VALUE")\""
  if [ -n "$ip" ]; then body="$body,\"ip_address\":\"$(json_escape "$ip")\""; fi
  caps='"AcceptsRemoteConfig","ReportsRemoteConfig","ReportsEffectiveConfig","ReportsHealth","ReportsOwnMetrics","AcceptsRestartCommand","ReportsAvailableComponents","ReportsHeartbeat"'
  [ "$FLOWGATE_MODE" = extension ] && caps='"ReportsEffectiveConfig","ReportsHealth","ReportsAvailableComponents"'
  body="$body,\"metadata\":{\"mode\":\"$FLOWGATE_MODE\",\"distribution\":\"otelcol-flowgate\",\"version\":\"$(json_escape "$version")\",\"otel_version\":\"$(json_escape "$version")\",\"capabilities\":[$caps]}}"

  resp="$STORAGE_DIR/.registration-response.json"
  attempt=1
  while :; do
    log "registering gateway '$GATEWAY_NAME' (instance_id '$INSTANCE_ID') at $url (attempt $attempt/$ONBOARD_RETRIES)"
    code=$(curl -sS -o "$resp" -w '%{http_code}' --connect-timeout 5 --max-time 30 \
      -X POST "$url" \
      -H "Authorization: Bearer $REGISTRATION_TOKEN" \
      -H 'Content-Type: application/json' -H 'Accept: application/json' \
      --data "$body") || code=000
    case "$code" in
      2??) break ;;
      000|429|5??)
        if [ "$attempt" -ge "$ONBOARD_RETRIES" ]; then
          die "registration failed after $attempt attempts (last HTTP status $code)"
        fi
        log "registration not possible yet (HTTP $code); retrying in ${ONBOARD_RETRY_DELAY}s"
        sleep "$ONBOARD_RETRY_DELAY"
        attempt=$((attempt + 1))
        ;;
      *)
        # Flowgate's error envelope {"error": {"code", "message", …}}: its message and code; else the body.
        msg=$(json_string_field message "$resp" | head -n 1)
        err_code=$(json_string_field code "$resp" | head -n 1)
        if [ -n "$msg" ]; then
          msg="$msg${err_code:+ ($err_code)}"
        else
          msg=$(tr -d '\r\n' <"$resp" 2>/dev/null | cut -c1-500)
        fi
        rm -f "$resp"
        die "registration rejected with HTTP $code: $msg"
        ;;
    esac
  done

  token=$(json_string_field opamp_token "$resp")
  endpoint=$(json_string_field opamp_endpoint "$resp")
  gateway_id=$(json_string_field id "$resp")
  rm -f "$resp"
  [ -n "$token" ] || die "registration response (HTTP $code) has no opamp_token"
  store opamp_token "$token"
  [ -n "$endpoint" ] && store opamp_endpoint "$endpoint"
  [ -n "$gateway_id" ] && store gateway_id "$gateway_id"
  log "registered${gateway_id:+ as gateway $gateway_id}; OpAMP token stored in $STORAGE_DIR/opamp_token"
  OPAMP_TOKEN=$token
}

if [ -n "${OPAMP_TOKEN:-}" ]; then
  log "using OPAMP_TOKEN from the environment"
  store opamp_token "$OPAMP_TOKEN"
elif [ -s "$STORAGE_DIR/opamp_token" ]; then
  OPAMP_TOKEN=$(stored opamp_token)
  log "using the OpAMP token stored in $STORAGE_DIR/opamp_token"
elif [ -n "${REGISTRATION_TOKEN:-}" ]; then
  register
else
  die "no OpAMP token: set REGISTRATION_TOKEN (with BACKEND_URL) to register, or OPAMP_TOKEN"
fi

OPAMP_SERVER_URL=${OPAMP_SERVER_URL:-$(stored opamp_endpoint)}
[ -n "$OPAMP_SERVER_URL" ] || die "OPAMP_SERVER_URL is not set and the registration response had no opamp_endpoint"
case "$OPAMP_SERVER_URL" in
  ws://*|wss://*|http://*|https://*) ;;
  *) die "OPAMP_SERVER_URL must start with ws://, wss://, http:// or https:// (got '$OPAMP_SERVER_URL')" ;;
esac

check_value OPAMP_TOKEN "$OPAMP_TOKEN"
check_value OPAMP_SERVER_URL "$OPAMP_SERVER_URL"
check_value GATEWAY_NAME "$GATEWAY_NAME"
check_value INSTANCE_ID "$INSTANCE_ID"

# ---------------------------------------------------------------------------------------------
# Configuration

render() { # template output
  [ -r "$1" ] || die "template $1 not found"
  sed \
    -e "s|\${OPAMP_SERVER_URL}|$(sed_escape "$OPAMP_SERVER_URL")|g" \
    -e "s|\${OPAMP_TOKEN}|$(sed_escape "$OPAMP_TOKEN")|g" \
    -e "s|\${STORAGE_DIR}|$(sed_escape "$STORAGE_DIR")|g" \
    -e "s|\${COLLECTOR_BIN}|$(sed_escape "$COLLECTOR_BIN")|g" \
    -e "s|\${COLLECTOR_SHIM}|$(sed_escape "${COLLECTOR_SHIM:-}")|g" \
    -e "s|\${GATEWAY_NAME}|$(sed_escape "$GATEWAY_NAME")|g" \
    -e "s|\${INSTANCE_ID}|$(sed_escape "$INSTANCE_ID")|g" \
    -e "s|\${OPAMP_INSTANCE_UID}|$(sed_escape "${OPAMP_INSTANCE_UID:-}")|g" \
    "$1" >"$2.tmp"
  chmod 600 "$2.tmp"
  mv -f "$2.tmp" "$2"
}

if [ "$FLOWGATE_MODE" = supervisor ]; then
  CONFIG="$STORAGE_DIR/supervisor.yaml"
  render "$SUPERVISOR_TEMPLATE" "$CONFIG"
  if [ -n "$COLLECTOR_BASE_CONFIG" ]; then
    sed -e "s|\${COLLECTOR_BASE_CONFIG}|$(sed_escape "$COLLECTOR_BASE_CONFIG")|g" "$CONFIG" >"$CONFIG.tmp"
  else
    sed -e '/\${COLLECTOR_BASE_CONFIG}/d' "$CONFIG" >"$CONFIG.tmp"
  fi
  mv -f "$CONFIG.tmp" "$CONFIG"
  log "supervisor config written to $CONFIG (server $OPAMP_SERVER_URL)"
  if [ "$NO_EXEC" = 1 ]; then
    printf '%s\n' "$CONFIG"
    exit 0
  fi
  log "starting $SUPERVISOR_BIN"
  exec "$SUPERVISOR_BIN" --config "$CONFIG"
fi

# Extension mode: the collector's opamp extension connects directly.
OPAMP_INSTANCE_UID=$(stored opamp_instance_uid)
if [ -z "$OPAMP_INSTANCE_UID" ]; then
  OPAMP_INSTANCE_UID=$(new_uuid)
  store opamp_instance_uid "$OPAMP_INSTANCE_UID"
fi
CONFIG="$STORAGE_DIR/collector.yaml"
render "$EXTENSION_TEMPLATE" "$CONFIG"
case "$OPAMP_SERVER_URL" in
  http://*|https://*) # the extension's plain-HTTP transport
    sed -e 's/^\([[:space:]]*\)ws:[[:space:]]*$/\1http:/' "$CONFIG" >"$CONFIG.tmp" && mv -f "$CONFIG.tmp" "$CONFIG" ;;
esac
log "extension-mode collector config written to $CONFIG (server $OPAMP_SERVER_URL, instance_uid $OPAMP_INSTANCE_UID)"
if [ "$NO_EXEC" = 1 ]; then
  printf '%s\n' "$CONFIG"
  exit 0
fi
if [ -n "${BACKEND_URL:-}" ]; then
  # After the exec below this shell's PID is the collector's: heartbeat.sh stops with it.
  INSTANCE_ID=$INSTANCE_ID STORAGE_DIR=$STORAGE_DIR HEARTBEAT_PARENT_PID=$$ \
    "$SCRIPT_DIR/heartbeat.sh" &
else
  log "BACKEND_URL not set: no heartbeat"
fi
log "starting $COLLECTOR_BIN (extension mode)"
exec "$COLLECTOR_BIN" --config "$CONFIG"
