#!/bin/sh
# Flowgate gateway installer. The control plane serves it at /install.sh with its own URL filled in:
#
#   curl -fsSL https://flowgate.example.com/install.sh | sh -s -- --registration-token fgr_...
#
# 1. checks the host (Linux amd64/arm64; systemd unless --no-service) and the target directory;
# 2. downloads the gateway bundle for this host from the server (GET /downloads/gateway/<os>-<arch>/:
#    SHA256SUMS, then flowgate-gateway-<os>-<arch>.tar.gz, or .tar when gzip is missing) into a
#    staging directory next to --dir, and verifies its sha256;
# 3. unpacks it (otelcol-flowgate, opampsupervisor and the onboarding scripts) and registers the
#    gateway with onboard.sh (POST /api/v1/gateways: the registration token is used once, the gateway
#    gets its own OpAMP token, kept in <dir>/state), which renders supervisor.yaml from the bundled
#    supervisor.yaml.tmpl;
# 4. moves the staging directory into place and starts the gateway: a systemd unit (written last,
#    then enabled and started) or, with --no-service, in the foreground.
# Any failure prints one line and leaves nothing installed.
#
# Needs only sh, curl, tar, sed and coreutils (uname, mkdir, mktemp, chmod, mv, rm, cat, cut, tr,
# head, tail, od, date, sha256sum or shasum); gzip when present (a 3-4 times smaller download).
# POSIX sh: no bash, jq or node. Everything runs from main() at the end of the file, so a download cut
# short executes nothing.
set -eu

# Filled in by the server that serves this script; --server overrides it.
FLOWGATE_SERVER='@FLOWGATE_SERVER_URL@'

PROG=flowgate-install
STAGE=
CREATED_DIR=
UNIT_WRITTEN=

usage() {
  cat <<EOF
Installs a Flowgate gateway (OpenTelemetry Collector + OpAMP supervisor) on this host.

usage: curl -fsSL <flowgate>/install.sh | sh -s -- --registration-token TOKEN [options]

  --registration-token TOKEN  registration token from Flowgate (Registration tokens page); or set
                              FLOWGATE_REGISTRATION_TOKEN to keep it off the command line
  --name NAME                 gateway name shown in Flowgate (default: this host's name)
  --dir DIR                   install directory (default: /opt/flowgate-gateway); the gateway's
                              identity and OpAMP token are kept in DIR/state
  --otlp-grpc-endpoint H:P    OTLP/gRPC listen address (default: 0.0.0.0:4317)
  --otlp-http-endpoint H:P    OTLP/HTTP listen address (default: 0.0.0.0:4318)
  --metrics-port P            the collector's own metrics port on 127.0.0.1 (default: 8888)
  --no-service                run in the foreground instead of installing a systemd unit
  --force                     replace an existing install in DIR (keeps its identity in DIR/state)
  --server URL                Flowgate URL (default: ${FLOWGATE_SERVER})
  -h, --help                  this text

Environment: SYSTEMD_UNIT_DIR (default /etc/systemd/system), TMPDIR is not used: the download is
staged next to DIR.
EOF
}

say() { printf '%s: %s\n' "$PROG" "$*"; }

# The one line a failure prints (stderr), then cleanup (EXIT trap).
die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}

cleanup() {
  if [ -n "$STAGE" ]; then rm -rf "$STAGE"; fi
  STAGE=
  if [ -n "$UNIT_WRITTEN" ]; then
    systemctl disable --now "$UNIT_NAME" >/dev/null 2>&1 || true
    rm -f "$UNIT_WRITTEN"
    systemctl daemon-reload >/dev/null 2>&1 || true
  fi
  UNIT_WRITTEN=
  if [ -n "$CREATED_DIR" ]; then rm -rf "$CREATED_DIR"; fi
  CREATED_DIR=
}

need_value() { # option value
  if [ -z "${2:-}" ]; then die "$1 needs a value (see --help)"; fi
}

# A top-level string field of a JSON file (the error envelope): no jq, values without escaped quotes.
json_field() {
  tr -d '\r\n' <"$2" 2>/dev/null | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" | head -n 1
}

# ---------------------------------------------------------------------------------------------------
# Checks

parse_args() {
  TOKEN=${FLOWGATE_REGISTRATION_TOKEN:-}
  NAME=
  DIR=/opt/flowgate-gateway
  GRPC_ENDPOINT=
  HTTP_ENDPOINT=
  METRICS_PORT=
  NO_SERVICE=0
  FORCE=0
  SERVER=$FLOWGATE_SERVER
  while [ $# -gt 0 ]; do
    case $1 in
      --registration-token | --name | --dir | --otlp-grpc-endpoint | --otlp-http-endpoint | --metrics-port | --server)
        need_value "$1" "${2:-}"
        case $1 in
          --registration-token) TOKEN=$2 ;;
          --name) NAME=$2 ;;
          --dir) DIR=$2 ;;
          --otlp-grpc-endpoint) GRPC_ENDPOINT=$2 ;;
          --otlp-http-endpoint) HTTP_ENDPOINT=$2 ;;
          --metrics-port) METRICS_PORT=$2 ;;
          --server) SERVER=$2 ;;
        esac
        shift 2
        ;;
      --registration-token=* | --name=* | --dir=* | --otlp-grpc-endpoint=* | --otlp-http-endpoint=* | --metrics-port=* | --server=*)
        opt=${1%%=*}
        value=${1#*=}
        shift
        set -- "$opt" "$value" "$@"
        ;;
      --no-service) NO_SERVICE=1 && shift ;;
      --force) FORCE=1 && shift ;;
      -h | --help) usage && exit 0 ;;
      *) die "unknown option '$1' (see --help)" ;;
    esac
  done
}

check_args() {
  [ -n "$TOKEN" ] || die "no registration token: pass --registration-token TOKEN (create one in Flowgate under Registration tokens)"
  case $TOKEN in
    *[!A-Za-z0-9_.-]*) die "the registration token has unexpected characters: copy it again from Flowgate" ;;
  esac
  case $SERVER in
    @FLOWGATE_*) die "no Flowgate server URL: download this script from your Flowgate server, or pass --server URL" ;;
    http://?* | https://?*) SERVER=${SERVER%/} ;;
    *) die "--server must be an http(s) URL, got '$SERVER'" ;;
  esac
  case $SERVER in
    *[!]A-Za-z0-9._~:/@%+[-]*) die "--server has unexpected characters: '$SERVER'" ;;
  esac
  if [ -z "$NAME" ]; then NAME=$(uname -n 2>/dev/null || echo gateway); fi
  case $NAME in
    *[!A-Za-z0-9_.\ -]*) die "--name may hold letters, digits, spaces, '.', '_' and '-' only, got '$NAME'" ;;
  esac
  [ "${#NAME}" -le 200 ] || die "--name is longer than 200 characters"
  case $DIR in
    /*) ;;
    *) die "--dir must be an absolute path, got '$DIR'" ;;
  esac
  case $DIR in
    *[!A-Za-z0-9_./-]* | */../* | */.. | */./* | */.) die "--dir may hold letters, digits, '.', '_', '-' and '/' only, got '$DIR'" ;;
  esac
  DIR=${DIR%/}
  [ -n "$DIR" ] || die "--dir must not be /"
  for endpoint in "$GRPC_ENDPOINT" "$HTTP_ENDPOINT"; do
    case $endpoint in
      '') ;;
      *[!]A-Za-z0-9_.:[-]* | *:) die "listen endpoints are HOST:PORT, got '$endpoint'" ;;
      *:[0-9]*) ;;
      *) die "listen endpoints are HOST:PORT, got '$endpoint'" ;;
    esac
  done
  case $METRICS_PORT in
    '') ;;
    *[!0-9]*) die "--metrics-port must be a port number, got '$METRICS_PORT'" ;;
    *) [ "$METRICS_PORT" -ge 1 ] && [ "$METRICS_PORT" -le 65535 ] || die "--metrics-port must be between 1 and 65535" ;;
  esac
}

detect_platform() {
  os=$(uname -s 2>/dev/null || echo unknown)
  arch=$(uname -m 2>/dev/null || echo unknown)
  case $os in
    Linux) os=linux ;;
    *) die "unsupported operating system '$os': the Flowgate gateway installer supports Linux (amd64, arm64)" ;;
  esac
  case $arch in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "unsupported architecture '$arch': the Flowgate gateway installer supports Linux amd64 and arm64" ;;
  esac
  PLATFORM=$os-$arch
}

check_service() {
  UNIT_DIR=${SYSTEMD_UNIT_DIR:-/etc/systemd/system}
  UNIT_NAME=$(printf '%s' "${DIR##*/}" | tr -c 'A-Za-z0-9_.-' '_').service
  UNIT_FILE=$UNIT_DIR/$UNIT_NAME
  [ "$NO_SERVICE" = 1 ] && return 0
  pid1=$(cat /proc/1/comm 2>/dev/null || echo unknown)
  if [ "$pid1" != systemd ] || ! command -v systemctl >/dev/null 2>&1; then
    die "systemd is not running on this host (PID 1 is '$pid1'): re-run with --no-service to run the gateway in the foreground"
  fi
  [ "$(id -u)" = 0 ] || die "installing a systemd service needs root: re-run as root (… | sudo sh -s -- …) or with --no-service"
  if [ -e "$UNIT_FILE" ] && [ "$FORCE" != 1 ] && [ ! -e "$DIR/onboard.sh" ]; then
    die "$UNIT_FILE already exists: pass --force to replace it, or choose another --dir"
  fi
}

# EXISTING=1 when DIR holds a gateway installed by this script.
check_dir() {
  EXISTING=0
  if [ -e "$DIR/onboard.sh" ] || [ -e "$DIR/state" ]; then
    if [ "$FORCE" != 1 ]; then
      id=$(cat "$DIR/state/gateway_id" 2>/dev/null || true)
      die "a gateway${id:+ ($id)} is already installed in $DIR: pass --force to replace its files (its identity in $DIR/state is kept), or choose another --dir"
    fi
    EXISTING=1
  elif [ -e "$DIR" ]; then
    [ -d "$DIR" ] || die "$DIR exists and is not a directory: choose another --dir"
    [ -z "$(ls -A "$DIR" 2>/dev/null)" ] || die "$DIR exists and is not empty: choose another --dir"
  fi
}

choose_sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    SHA256='sha256sum'
  elif command -v shasum >/dev/null 2>&1; then
    SHA256='shasum -a 256'
  else
    die "neither sha256sum nor shasum is installed: the download cannot be verified"
  fi
}

# ---------------------------------------------------------------------------------------------------
# Download

# fetch URL FILE: HTTP_CODE is the status; an unreachable server ends the run.
fetch() {
  if ! HTTP_CODE=$(curl -sS -L --proto '=http,https' --connect-timeout 15 --retry 2 --retry-delay 1 \
    -o "$2" -w '%{http_code}' "$1" 2>"$STAGE/curl.err"); then
    reason=$(sed -n 's/^curl: ([0-9]*) //p' "$STAGE/curl.err" | head -n 1)
    die "cannot reach the Flowgate server at $SERVER: ${reason:-curl failed}"
  fi
}

# The server's own error message (JSON envelope), else the status.
http_failure() { # what file
  message=$(json_field message "$2")
  code=$(json_field code "$2")
  if [ -n "$message" ]; then
    die "$1: $message${code:+ [$code]}"
  fi
  die "$1: HTTP $HTTP_CODE from $SERVER (is it a Flowgate server?)"
}

download() {
  mkdir -p "$STAGE/download" "$STAGE/gateway"
  base=$SERVER/downloads/gateway/$PLATFORM
  fetch "$base/SHA256SUMS" "$STAGE/download/SHA256SUMS"
  [ "$HTTP_CODE" = 200 ] || http_failure "no gateway for $PLATFORM on $SERVER" "$STAGE/download/SHA256SUMS"
  BUNDLE=flowgate-gateway-$PLATFORM.tar
  if command -v gzip >/dev/null 2>&1; then BUNDLE=$BUNDLE.gz; fi
  expected=
  while read -r sum file; do
    if [ "$file" = "$BUNDLE" ]; then expected=$sum; fi
  done <"$STAGE/download/SHA256SUMS"
  [ -n "$expected" ] || die "the server's SHA256SUMS for $PLATFORM does not list $BUNDLE"
  fetch "$base/$BUNDLE" "$STAGE/download/$BUNDLE"
  [ "$HTTP_CODE" = 200 ] || http_failure "cannot download $BUNDLE" "$STAGE/download/$BUNDLE"
  actual=$($SHA256 "$STAGE/download/$BUNDLE" | cut -d ' ' -f 1)
  [ "$actual" = "$expected" ] ||
    die "checksum mismatch for $BUNDLE (expected $expected, got $actual): the download is damaged or was altered; nothing was installed"
  case $BUNDLE in
    *.gz) (gzip -dc "$STAGE/download/$BUNDLE" | tar -xf - -C "$STAGE/gateway") 2>"$STAGE/tar.err" || unpack_failed ;;
    *) tar -xf "$STAGE/download/$BUNDLE" -C "$STAGE/gateway" 2>"$STAGE/tar.err" || unpack_failed ;;
  esac
  rm -rf "$STAGE/download"
  for f in otelcol-flowgate opampsupervisor collector-shim.sh onboard.sh supervisor.yaml.tmpl collector-base.yaml; do
    [ -e "$STAGE/gateway/$f" ] || die "the bundle from $SERVER has no $f"
  done
  if ! VERSION=$("$STAGE/gateway/otelcol-flowgate" --version 2>"$STAGE/run.err"); then
    die "the downloaded collector does not run on this host: $(head -n 1 "$STAGE/run.err")"
  fi
  VERSION=${VERSION##* version }
  say "downloaded and verified $BUNDLE (otelcol-flowgate $VERSION)"
}

unpack_failed() { die "cannot unpack the bundle: $(head -n 1 "$STAGE/tar.err")"; }

# ---------------------------------------------------------------------------------------------------
# Install

write_env() { # file
  {
    echo '# Written by the Flowgate gateway installer; read by run.sh at every start.'
    echo "BACKEND_URL='$SERVER'"
    echo "STORAGE_DIR='$DIR/state'"
    echo "GATEWAY_NAME='$NAME'"
    if [ -n "$GRPC_ENDPOINT" ]; then echo "FLOWGATE_OTLP_GRPC_ENDPOINT='$GRPC_ENDPOINT'"; fi
    if [ -n "$HTTP_ENDPOINT" ]; then echo "FLOWGATE_OTLP_HTTP_ENDPOINT='$HTTP_ENDPOINT'"; fi
    if [ -n "$METRICS_PORT" ]; then echo "FLOWGATE_COLLECTOR_METRICS_PORT='$METRICS_PORT'"; fi
  } >"$1.tmp"
  chmod 600 "$1.tmp"
  mv -f "$1.tmp" "$1"
}

write_launcher() { # file
  cat >"$1.tmp" <<EOF
#!/bin/sh
# Starts the Flowgate gateway installed here (the systemd unit runs this too): onboard.sh reads the
# OpAMP token from $DIR/state, renders supervisor.yaml and execs the supervisor.
set -a
. '$DIR/gateway.env'
set +a
exec sh '$DIR/onboard.sh' "\$@"
EOF
  chmod 755 "$1.tmp"
  mv -f "$1.tmp" "$1"
}

# onboard.sh --no-exec: registers when STORAGE_DIR has no OpAMP token yet, renders supervisor.yaml.
onboard() { # storage_dir script_dir
  if ! STORAGE_DIR=$1 BACKEND_URL=$SERVER GATEWAY_NAME=$NAME REGISTRATION_TOKEN=$TOKEN \
    ONBOARD_RETRIES=3 ONBOARD_RETRY_DELAY=2 sh "$2/onboard.sh" --no-exec >/dev/null 2>"$STAGE/onboard.log"; then
    reason=$(sed -n 's/.*ERROR: //p' "$STAGE/onboard.log" | tail -n 1)
    die "${reason:-onboarding failed: $(tail -n 1 "$STAGE/onboard.log")}"
  fi
}

install_files() {
  if [ "$EXISTING" = 1 ]; then
    if [ "$NO_SERVICE" != 1 ] && [ -e "$UNIT_FILE" ]; then systemctl stop "$UNIT_NAME" >/dev/null 2>&1 || true; fi
    # rename(2) per file: a running binary may be replaced; the state directory stays.
    for f in "$STAGE/gateway"/*; do mv -f "$f" "$DIR/"; done
    onboard "$DIR/state" "$DIR"
  else
    # Register from the staging directory first: a refused token leaves nothing behind.
    onboard "$STAGE/gateway/state" "$STAGE/gateway"
    if [ -d "$DIR" ]; then rmdir "$DIR"; fi
    mv "$STAGE/gateway" "$DIR"
    CREATED_DIR=$DIR
    onboard "$DIR/state" "$DIR" # renders supervisor.yaml again with the final paths
  fi
  write_env "$DIR/gateway.env"
  write_launcher "$DIR/run.sh"
  rm -f "$DIR/state/.registration-response.json"
  GATEWAY_ID=$(cat "$DIR/state/gateway_id" 2>/dev/null || true)
}

write_unit() {
  mkdir -p "$UNIT_DIR"
  cat >"$UNIT_FILE.tmp" <<EOF
# Flowgate gateway "$NAME", installed from $SERVER/install.sh
[Unit]
Description=Flowgate gateway $NAME (OpenTelemetry Collector, managed over OpAMP)
Documentation=$SERVER/docs
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
ExecStart=$DIR/run.sh
# SIGTERM to the supervisor only: it stops its collector itself; leftovers are killed after the timeout.
KillMode=mixed
TimeoutStopSec=30
Restart=always
RestartSec=5
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=full

[Install]
WantedBy=multi-user.target
EOF
  mv -f "$UNIT_FILE.tmp" "$UNIT_FILE"
  [ "$EXISTING" = 1 ] || UNIT_WRITTEN=$UNIT_FILE
  systemctl daemon-reload >"$STAGE/systemctl.err" 2>&1 || systemctl_failed "systemctl daemon-reload"
  systemctl enable "$UNIT_NAME" >"$STAGE/systemctl.err" 2>&1 || systemctl_failed "systemctl enable $UNIT_NAME"
  systemctl restart "$UNIT_NAME" >"$STAGE/systemctl.err" 2>&1 || systemctl_failed "systemctl restart $UNIT_NAME"
}

systemctl_failed() {
  die "$1 failed: $(tail -n 1 "$STAGE/systemctl.err")${CREATED_DIR:+; nothing was left installed}"
}

main() {
  parse_args "$@"
  check_args
  detect_platform
  check_service
  check_dir
  choose_sha256
  command -v curl >/dev/null 2>&1 || die "curl is not installed"
  command -v tar >/dev/null 2>&1 || die "tar is not installed"

  parent=${DIR%/*}
  mkdir -p "${parent:-/}" 2>/dev/null || die "cannot create ${parent:-/}: run as root or choose a --dir you can write"
  STAGE=$(mktemp -d "${parent}/.${DIR##*/}.install.XXXXXX" 2>/dev/null) ||
    die "cannot write to ${parent:-/}: run as root or choose a --dir you can write"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  say "installing the Flowgate gateway for $PLATFORM from $SERVER into $DIR"
  download
  install_files
  say "registered as gateway \"$NAME\"${GATEWAY_ID:+ ($GATEWAY_ID)}; configuration in $DIR/state/supervisor.yaml"
  if [ "$NO_SERVICE" = 1 ]; then
    CREATED_DIR=
    rm -rf "$STAGE"
    STAGE=
    trap - EXIT INT TERM
    say "starting in the foreground (stop with Ctrl-C; start again with $DIR/run.sh)"
    exec sh "$DIR/run.sh"
  fi
  write_unit
  CREATED_DIR=
  UNIT_WRITTEN=
  say "started: systemd unit $UNIT_NAME (enabled at boot); logs: journalctl -u $UNIT_NAME -f"
}

main "$@"
