#!/usr/bin/env bash
# Starts / stops a throwaway Kubernetes API (etcd + kube-apiserver, no controllers, no kubelet),
# the way controller-runtime's envtest does, listening on 127.0.0.1 only.
#
# Usage:
#   .ci/kube-up.sh start <workdir>   prints (last stdout line) KUBECONFIG=<workdir>/kubeconfig
#   .ci/kube-up.sh stop  <workdir>
#
# Binaries: $INFERGATE_KUBE_ASSETS (from .ci/kube-binaries.sh); when unset, kube-binaries.sh is
# run (a fast no-op once its cache is complete, a 10-20 min build the first time).
#
# <workdir> after start:
#   kubeconfig      server https://127.0.0.1:<port>, bearer token of user "admin" (system:masters),
#                   CA = the apiserver's self-signed serving cert (certs/apiserver.crt)
#   env             KUBE_API_URL=, KUBE_TOKEN=, KUBE_CA_FILE=, ETCD_URL= (shell/properties syntax)
#   token           the bearer token alone
#   etcd.log, kube-apiserver.log, etcd.pid, kube-apiserver.pid, etcd-data/, certs/
# A bare kube-apiserver runs no controllers: no EndpointSlices for Services, no namespace
# deletion, no garbage collection, no scheduling. Tests create what a cluster would.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
START_TIMEOUT=${INFERGATE_KUBE_START_TIMEOUT:-60}   # seconds, for each of etcd and kube-apiserver
STOP_TIMEOUT=${INFERGATE_KUBE_STOP_TIMEOUT:-20}

die() { echo "kube-up: ERROR: $*" >&2; exit 1; }
log() { echo "kube-up: $*" >&2; }
usage() { echo "usage: $0 start|stop <workdir>" >&2; exit 2; }

[[ $# -eq 2 ]] || usage
CMD=$1
mkdir -p "$2"
WD=$(cd "$2" && pwd)

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local p i
  for i in $(seq 1 100); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free port found on 127.0.0.1"
}

# alive <pidfile> <binary name>: the pid in the file is running that binary
alive() {
  local pid
  [[ -f "$1" ]] || return 1
  pid=$(cat "$1")
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  local argv0
  argv0=$(head -z -n 1 "/proc/$pid/cmdline" 2>/dev/null | tr -d '\0') || return 1
  [[ "${argv0##*/}" == "$2" ]] || return 1
  ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}

# running <pidfile>: the pid in the file is a live (not zombie) process, whatever it runs yet. Used
# while starting: right after `nohup ... &` the child may not have exec'ed the binary, and its argv0
# is still the shell's, which `alive` would take for a dead server.
running() {
  local pid
  [[ -f "$1" ]] || return 1
  pid=$(cat "$1")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}

stop_one() { # stop_one <name>
  local pidf="$WD/$1.pid" pid i
  if alive "$pidf" "$1"; then
    pid=$(cat "$pidf")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
      alive "$pidf" "$1" || break
      sleep 0.1
    done
    if alive "$pidf" "$1"; then
      log "$1 (pid $pid) did not stop within ${STOP_TIMEOUT}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $1 (pid $pid)"
  fi
  rm -f "$pidf"
}

stop_all() {
  stop_one kube-apiserver
  stop_one etcd
}

# wait_for <name> <seconds> <cmd...>: polls cmd until it succeeds, the process dies or time is up
wait_for() {
  local name=$1 secs=$2 i; shift 2
  for ((i = 0; i < secs * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! running "$WD/$name.pid"; then
      echo "---- last lines of $WD/$name.log" >&2; tail -n 30 "$WD/$name.log" >&2
      stop_all
      die "$name exited during start-up (log: $WD/$name.log)"
    fi
    sleep 0.25
  done
  echo "---- last lines of $WD/$name.log" >&2; tail -n 30 "$WD/$name.log" >&2
  stop_all
  die "$name not healthy within ${secs}s (log: $WD/$name.log)"
}

start() {
  local assets="${INFERGATE_KUBE_ASSETS:-}"
  if [[ -z "$assets" ]]; then
    assets=$("$HERE/kube-binaries.sh" | sed -n 's/^KUBE_ASSETS=//p' | tail -n 1)
  fi
  [[ -x "$assets/etcd" && -x "$assets/kube-apiserver" ]] ||
    die "no etcd / kube-apiserver in '$assets' (set INFERGATE_KUBE_ASSETS to the dir printed by .ci/kube-binaries.sh)"
  command -v openssl >/dev/null || die "openssl not found (needed for the service-account key)"
  command -v curl >/dev/null || die "curl not found (needed for health checks)"
  if alive "$WD/kube-apiserver.pid" kube-apiserver || alive "$WD/etcd.pid" etcd; then
    die "already running in $WD (run: $0 stop $WD)"
  fi

  rm -rf "$WD/etcd-data" "$WD/certs"
  mkdir -p "$WD/etcd-data" "$WD/certs"
  chmod 700 "$WD/etcd-data"

  local token etcd_port peer_port api_port
  token=$(openssl rand -hex 24)
  echo "$token" >"$WD/token"
  echo "$token,admin,admin,system:masters" >"$WD/certs/tokens.csv"
  openssl genrsa -out "$WD/certs/sa.key" 2048 2>/dev/null || die "openssl genrsa failed"
  openssl rsa -in "$WD/certs/sa.key" -pubout -out "$WD/certs/sa.pub" 2>/dev/null || die "openssl rsa -pubout failed"
  chmod 600 "$WD/token" "$WD/certs/tokens.csv" "$WD/certs/sa.key"

  etcd_port=$(free_port); peer_port=$(free_port); api_port=$(free_port)
  local etcd_url="http://127.0.0.1:$etcd_port" peer_url="http://127.0.0.1:$peer_port"
  local api_url="https://127.0.0.1:$api_port"

  nohup "$assets/etcd" \
    --name=default \
    --data-dir="$WD/etcd-data" \
    --listen-client-urls="$etcd_url" --advertise-client-urls="$etcd_url" \
    --listen-peer-urls="$peer_url" --initial-advertise-peer-urls="$peer_url" \
    --initial-cluster="default=$peer_url" \
    --unsafe-no-fsync=true \
    </dev/null >"$WD/etcd.log" 2>&1 &
  echo $! >"$WD/etcd.pid"
  wait_for etcd "$START_TIMEOUT" curl -sf --max-time 2 "$etcd_url/health"
  log "etcd up at $etcd_url (pid $(cat "$WD/etcd.pid"))"

  nohup "$assets/kube-apiserver" \
    --etcd-servers="$etcd_url" \
    --cert-dir="$WD/certs" \
    --secure-port="$api_port" \
    --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 \
    --endpoint-reconciler-type=none \
    --service-cluster-ip-range=10.0.0.0/24 \
    --allow-privileged=true \
    --authorization-mode=RBAC \
    --token-auth-file="$WD/certs/tokens.csv" \
    --service-account-issuer="$api_url" \
    --service-account-key-file="$WD/certs/sa.pub" \
    --service-account-signing-key-file="$WD/certs/sa.key" \
    --disable-admission-plugins=ServiceAccount \
    </dev/null >"$WD/kube-apiserver.log" 2>&1 &
  echo $! >"$WD/kube-apiserver.pid"
  wait_for kube-apiserver "$START_TIMEOUT" \
    curl -sf --max-time 2 -k -H "Authorization: Bearer $token" "$api_url/readyz"
  log "kube-apiserver ready at $api_url (pid $(cat "$WD/kube-apiserver.pid"))"

  local ca="$WD/certs/apiserver.crt"
  [[ -f "$ca" ]] || die "kube-apiserver wrote no $ca"
  cat >"$WD/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: infergate-test
  cluster:
    server: $api_url
    certificate-authority-data: $(base64 -w0 <"$ca")
users:
- name: admin
  user:
    token: $token
contexts:
- name: infergate-test
  context:
    cluster: infergate-test
    user: admin
    namespace: default
current-context: infergate-test
EOF
  chmod 600 "$WD/kubeconfig"
  cat >"$WD/env" <<EOF
KUBE_API_URL=$api_url
KUBE_TOKEN=$token
KUBE_CA_FILE=$ca
ETCD_URL=$etcd_url
EOF
  echo "KUBECONFIG=$WD/kubeconfig"
}

case "$CMD" in
  start) start ;;
  stop) stop_all ;;
  *) usage ;;
esac
