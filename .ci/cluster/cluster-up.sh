#!/usr/bin/env bash
# Starts / stops a real single-node Kubernetes cluster on this machine, with no Docker and no kind:
#   etcd + kube-apiserver   via $INFERGATE_DIR/.ci/kube-up.sh (binaries from .ci/kube-binaries.sh)
#   containerd + runc       Debian packages, run as a plain background process, config in <workdir>
#   CNI                     Debian containernetworking-plugins: bridge + host-local, own bridge
#   kubelet (+ kube-proxy, kube-controller-manager, kube-scheduler when built) from build-node.sh
#   images                  OCI archives from build-images.sh, imported into containerd's k8s.io namespace
#
# Usage:
#   cluster-up.sh start <workdir>    last stdout line: KUBECONFIG=<workdir>/api/kubeconfig
#   cluster-up.sh stop  <workdir>
# Env:
#   INFERGATE_DIR          the Infergate checkout (default: the one this script is in)
#   INFERGATE_KUBE_ASSETS  etcd + kube-apiserver dir (default: run .ci/kube-binaries.sh)
#   KUBE_NODE_BIN          kubelet & co. (default: run build-node.sh kubelet)
#   IMAGES_DIR             from base-images.sh: pause.tar (the sandbox image) and busybox.tar are
#                          imported; Infergate's own images are imported by the tests (they come
#                          from the Maven build that runs after the cluster is up)
#   POD_CIDR (10.88.0.0/16), BRIDGE (rk0), NODE_NAME (rk-node)
#   CONTROL_PLANE=1        also start kube-controller-manager + kube-scheduler (if in KUBE_NODE_BIN)
#   KUBE_PROXY=1           also start kube-proxy (iptables mode) (if in KUBE_NODE_BIN)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CMD=${1:?usage: cluster-up.sh start|stop <workdir>}
mkdir -p "${2:?usage: cluster-up.sh start|stop <workdir>}"; WD=$(cd "$2" && pwd)
POD_CIDR=${POD_CIDR:-10.88.0.0/16}
BRIDGE=${BRIDGE:-rk0}
NODE_NAME=${NODE_NAME:-rk-node}
EGRESS_RULE="infergate test cluster: pods reach only the bridge"
GW_IP=$(python3 -c "import ipaddress,sys; print(next(ipaddress.ip_network(sys.argv[1]).hosts()))" "$POD_CIDR")
PREFIX=${POD_CIDR#*/}
log() { echo "cluster-up: $*" >&2; }
die() { echo "cluster-up: ERROR: $*" >&2; exit 1; }
INFERGATE_DIR=${INFERGATE_DIR:-$(cd "$HERE/../.." && pwd)}
[[ -x "$INFERGATE_DIR/.ci/kube-up.sh" ]] || die "no .ci/kube-up.sh under INFERGATE_DIR=$INFERGATE_DIR"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
alive() { # alive <name>: the pid in <workdir>/<name>.pid runs
  local f="$WD/$1.pid"; [[ -f $f ]] && kill -0 "$(cat "$f")" 2>/dev/null
}
stop_one() {
  local f="$WD/$1.pid" pid i
  if alive "$1"; then
    pid=$(cat "$f"); kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    log "stopped $1 (pid $pid)"
  fi
  rm -f "$f"
}
wait_for() { # wait_for <name> <secs> cmd...
  local name=$1 secs=$2 i; shift 2
  for ((i = 0; i < secs * 2; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    alive "$name" || { tail -n 30 "$WD/$name.log" >&2; die "$name exited (log: $WD/$name.log)"; }
    sleep 0.5
  done
  tail -n 30 "$WD/$name.log" >&2; die "$name not ready within ${secs}s (log: $WD/$name.log)"
}
launch() { # launch <name> cmd...: background process, pid + log in WD
  local name=$1; shift
  nohup "$@" </dev/null >"$WD/$name.log" 2>&1 &
  echo $! >"$WD/$name.pid"
}

stop_all() {
  stop_one kube-proxy; stop_one kube-scheduler; stop_one kube-controller-manager
  stop_one kubelet
  # pods' sandboxes and containers: containerd-shim processes outlive containerd otherwise
  if alive containerd && [[ -S "$WD/containerd/containerd.sock" ]]; then
    local C="ctr --address $WD/containerd/containerd.sock -n k8s.io" t
    for t in $($C tasks ls -q 2>/dev/null); do $C tasks kill -s KILL "$t" >/dev/null 2>&1 || true; done
    sleep 1
    for t in $($C tasks ls -q 2>/dev/null); do $C tasks delete -f "$t" >/dev/null 2>&1 || true; done
    for t in $($C containers ls -q 2>/dev/null); do $C containers delete "$t" >/dev/null 2>&1 || true; done
  fi
  stop_one containerd
  # shim processes of pods whose tasks could not be killed (containerd gone): by their pid files
  local pf
  for pf in "$WD"/containerd/state/io.containerd.runtime.v2.task/k8s.io/*/shim.pid; do
    [[ -f $pf ]] && kill -KILL "$(cat "$pf")" 2>/dev/null || true
  done
  # mounts left under the work dir (kubelet makes its root dir a bind mount; sandboxes' shm, rootfs)
  local m
  for m in $(awk -v wd="$WD/" 'index($2, wd) == 1 {print $2}' /proc/self/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  # the kubelet's cgroups (cgroupfs driver): /kubepods in every v1 hierarchy, deepest first
  local d
  for d in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/unified/kubepods; do
    [[ -d $d ]] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  if [[ -f "$WD/kube-apiserver.pid" || -f "$WD/etcd.pid" ]]; then stop_one kube-apiserver; stop_one etcd; fi
  [[ -f "$WD/api/kube-apiserver.pid" ]] && { "$INFERGATE_DIR/.ci/kube-up.sh" stop "$WD/api" || true; }
  # network namespaces the CRI left behind, the bridge, kube-proxy's chains, the /kubepods cgroups
  if [[ -f "$WD/bridge" ]]; then
    ip link del "$(cat "$WD/bridge")" 2>/dev/null && log "removed bridge $(cat "$WD/bridge")" || true
    rm -f "$WD/bridge"
  fi
  if [[ -f "$WD/egress-rule" ]]; then
    while iptables -D FORWARD -i "$(cat "$WD/egress-rule")" ! -o "$(cat "$WD/egress-rule")" \
      -m comment --comment "$EGRESS_RULE" -j REJECT 2>/dev/null; do :; done
    rm -f "$WD/egress-rule"
  fi
  if [[ -f "$WD/iptables-touched" ]]; then
    # kube-proxy's and the kubelet's KUBE-* chains: unhook them, flush, delete (no pipefail here:
    # an empty grep must not end the stop half-way)
    (
      set +e +o pipefail
      for ipt in iptables ip6tables; do
        command -v $ipt >/dev/null || continue
        for table in nat filter mangle; do
          rules=$($ipt-save -t $table 2>/dev/null)
          grep -q 'KUBE-' <<<"$rules" || continue
          grep -E '^-A ' <<<"$rules" | grep -E -- '-j KUBE-' | grep -vE '^-A KUBE-' | sed 's/^-A/-D/' |
            while read -r rule; do eval "$ipt -t $table $rule" 2>/dev/null; done
          chains=$(sed -n 's/^:\(KUBE-[^ ]*\).*/\1/p' <<<"$rules")
          for ch in $chains; do $ipt -t $table -F "$ch" 2>/dev/null; done
          for ch in $chains; do $ipt -t $table -X "$ch" 2>/dev/null; done
        done
      done
      true
    )
    rm -f "$WD/iptables-touched"
  fi
  if [[ -f "$WD/ip_forward.orig" ]]; then sysctl -qw net.ipv4.ip_forward="$(cat "$WD/ip_forward.orig")"; rm -f "$WD/ip_forward.orig"; fi
}

# The API server the way .ci/kube-up.sh starts it, except that pods can use it: it listens on the
# bridge's gateway address (not 127.0.0.1), advertises it (the "kubernetes" Service gets that
# endpoint), and keeps the ServiceAccount admission plugin (pods get projected tokens).
start_api_incluster() {
  local assets=$1 A="$WD/api"
  mkdir -p "$A/etcd-data" "$A/certs"; chmod 700 "$A/etcd-data"
  local token etcd_port peer_port api_port
  token=$(openssl rand -hex 24); echo "$token" >"$A/token"
  echo "$token,admin,admin,system:masters" >"$A/certs/tokens.csv"
  openssl genrsa -out "$A/certs/sa.key" 2048 2>/dev/null
  openssl rsa -in "$A/certs/sa.key" -pubout -out "$A/certs/sa.pub" 2>/dev/null
  chmod 600 "$A/token" "$A/certs/tokens.csv" "$A/certs/sa.key"
  etcd_port=$(free_port); peer_port=$(free_port); api_port=$(free_port)
  local etcd_url="http://127.0.0.1:$etcd_port" peer_url="http://127.0.0.1:$peer_port" api_url="https://$GW_IP:$api_port"
  launch etcd "$assets/etcd" --name=default --data-dir="$A/etcd-data" \
    --listen-client-urls="$etcd_url" --advertise-client-urls="$etcd_url" \
    --listen-peer-urls="$peer_url" --initial-advertise-peer-urls="$peer_url" \
    --initial-cluster="default=$peer_url" --unsafe-no-fsync=true
  wait_for etcd 60 curl -sf --max-time 2 "$etcd_url/health"
  launch kube-apiserver "$assets/kube-apiserver" --etcd-servers="$etcd_url" --cert-dir="$A/certs" \
    --secure-port="$api_port" --bind-address="$GW_IP" --advertise-address="$GW_IP" \
    --service-cluster-ip-range="${SERVICE_CIDR:-10.96.0.0/24}" --allow-privileged=true \
    --authorization-mode=Node,RBAC --token-auth-file="$A/certs/tokens.csv" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$A/certs/sa.pub" --service-account-signing-key-file="$A/certs/sa.key" \
    --kubelet-preferred-address-types=InternalIP
  wait_for kube-apiserver 90 curl -sf --max-time 2 -k -H "Authorization: Bearer $token" "$api_url/readyz"
  log "kube-apiserver ready at $api_url (pid $(cat "$WD/kube-apiserver.pid"))"
  cat >"$A/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: rk
  cluster: {server: "$api_url", certificate-authority-data: $(base64 -w0 <"$A/certs/apiserver.crt")}
users:
- name: admin
  user: {token: $token}
contexts:
- name: rk
  context: {cluster: rk, user: admin, namespace: default}
current-context: rk
KC
  chmod 600 "$A/kubeconfig"
  printf 'KUBE_API_URL=%s\nKUBE_TOKEN=%s\nKUBE_CA_FILE=%s\nETCD_URL=%s\n' "$api_url" "$token" "$A/certs/apiserver.crt" "$etcd_url" >"$A/env"
}

start() {
  command -v containerd >/dev/null && command -v runc >/dev/null ||
    die "apt-get install -y containerd runc containernetworking-plugins iptables conntrack"
  local cni_src=/usr/lib/cni
  [[ -x $cni_src/bridge ]] || die "no CNI plugins in $cni_src (apt-get install containernetworking-plugins)"
  local assets="${INFERGATE_KUBE_ASSETS:-}"
  if [[ -z $assets ]]; then assets=$("$INFERGATE_DIR/.ci/kube-binaries.sh" | sed -n 's/^KUBE_ASSETS=//p' | tail -n 1); fi
  local bin="${KUBE_NODE_BIN:-}"
  if [[ -z $bin ]]; then bin=$("$HERE/build-node.sh" kubelet | sed -n 's/^KUBE_NODE_BIN=//p' | tail -n 1); fi
  [[ -x $bin/kubelet ]] || die "no kubelet in '$bin'"
  alive kubelet && die "already running in $WD (cluster-up.sh stop $WD)"

  # ---- network: our own bridge, ip_forward on (restored by stop) ----
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$GW_IP/$PREFIX" dev "$BRIDGE"
    ip link set "$BRIDGE" up
    echo "$BRIDGE" >"$WD/bridge"
  fi
  [[ -f "$WD/ip_forward.orig" ]] || sysctl -n net.ipv4.ip_forward >"$WD/ip_forward.orig"
  sysctl -qw net.ipv4.ip_forward=1
  touch "$WD/iptables-touched"   # the kubelet adds KUBE-* chains (mangle/nat) even without kube-proxy
  [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] && sysctl -qw net.bridge.bridge-nf-call-iptables=1
  # Nothing from the pods leaves the bridge for another interface (ip_forward is on, and a pod's
  # default route is the bridge): rejected at once, so a pod that tries gets an error, not a
  # timeout. Pod to pod and pod to host (the API server on the bridge address) are unaffected.
  iptables -I FORWARD 1 -i "$BRIDGE" ! -o "$BRIDGE" -m comment --comment "$EGRESS_RULE" -j REJECT
  echo "$BRIDGE" >"$WD/egress-rule"
  # Pods resolve names through their own loopback, where nothing answers: no cluster DNS runs here,
  # and the host's resolver is outside the bridge. A lookup fails at once instead of waiting out
  # two 5 s timeouts (with the host's resolv.conf, a new controller leader's first snapshot push
  # took 10 s, which let Programmed flip on failover).
  mkdir -p "$WD/kubelet"
  printf '%s\n' "nameserver 127.0.0.1" "options timeout:1 attempts:1" >"$WD/kubelet/resolv.conf"

  mkdir -p "$WD/cni/bin" "$WD/cni/net.d" "$WD/cni/ipam" "$WD/containerd" "$WD/kubelet" "$WD/pod-logs"
  for p in bridge host-local loopback portmap; do ln -sfn "$cni_src/$p" "$WD/cni/bin/$p"; done
  cat >"$WD/cni/net.d/10-rk.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "rk",
  "plugins": [
    {
      "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$WD/cni/ipam",
        "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$GW_IP"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
JSON

  # ---- containerd ----
  cat >"$WD/containerd/config.toml" <<TOML
version = 2
root = "$WD/containerd/root"
state = "$WD/containerd/state"
[grpc]
  address = "$WD/containerd/containerd.sock"
[ttrpc]
  address = "$WD/containerd/containerd.sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:local"
  # This VM's root has no CAP_SYS_RESOURCE (not even in the bounding set): runc cannot lower
  # /proc/self/oom_score_adj to the sandbox's -998 ("can't get final child's PID from pipe: EOF").
  # Clamp every OOMScoreAdj to containerd's own (0) instead.
  restrict_oom_score_adj = true
  # pod network namespaces under <workdir> (not /var/run/netns): stop's unmount pass removes them
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$WD/cni/bin"
    conf_dir = "$WD/cni/net.d"
TOML
  launch containerd containerd --config "$WD/containerd/config.toml"
  local C="ctr --address $WD/containerd/containerd.sock -n k8s.io"
  wait_for containerd 30 $C version
  log "containerd up (pid $(cat "$WD/containerd.pid"))"
  if [[ -n ${IMAGES_DIR:-} ]]; then
    local t
    for t in "$IMAGES_DIR"/pause.tar "$IMAGES_DIR"/busybox.tar; do
      [[ -f $t ]] || continue
      $C image import "$t" >/dev/null || die "ctr image import $t failed"
    done
    log "imported: $($C images ls -q | grep -v '^sha256:' | paste -sd' ')"
  fi

  # ---- apiserver ----
  if [[ ${API_MODE:-kube-up} == incluster ]]; then
    start_api_incluster "$assets"
  else
    INFERGATE_KUBE_ASSETS="$assets" "$INFERGATE_DIR/.ci/kube-up.sh" start "$WD/api" >&2
  fi
  local kc="$WD/api/kubeconfig"

  # ---- kubelet ----
  local kport hport
  kport=$(free_port); hport=$(free_port)
  cat >"$WD/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://$WD/containerd/containerd.sock
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
address: $GW_IP
port: $kport
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $hport
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
podLogsDir: $WD/pod-logs
clusterDomain: cluster.local
resolvConf: $WD/kubelet/resolv.conf
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
maxPods: 60
registerNode: true
YAML
  launch kubelet "$bin/kubelet" --config="$WD/kubelet/config.yaml" --kubeconfig="$kc" \
    --root-dir="$WD/kubelet/root" --cert-dir="$WD/kubelet/pki" \
    --hostname-override="$NODE_NAME" --node-ip="$GW_IP" --v="${KUBELET_V:-2}"
  wait_for kubelet 60 curl -sf "http://127.0.0.1:$hport/healthz"
  log "kubelet healthy (pid $(cat "$WD/kubelet.pid"))"

  # ---- optional control plane + kube-proxy ----
  local master
  master=$(sed -n 's/^KUBE_API_URL=//p' "$WD/api/env")
  if [[ ${CONTROL_PLANE:-0} == 1 ]]; then
    [[ -x $bin/kube-controller-manager && -x $bin/kube-scheduler ]] || die "no kube-controller-manager / kube-scheduler in $bin"
    launch kube-controller-manager "$bin/kube-controller-manager" --kubeconfig="$kc" \
      --bind-address=127.0.0.1 --secure-port=0 --leader-elect=false --use-service-account-credentials=false \
      --service-account-private-key-file="$WD/api/certs/sa.key" --root-ca-file="$WD/api/certs/apiserver.crt" \
      --controllers='*' --cluster-cidr="$POD_CIDR" --allocate-node-cidrs=false
    launch kube-scheduler "$bin/kube-scheduler" --kubeconfig="$kc" --authentication-kubeconfig="$kc" \
      --authorization-kubeconfig="$kc" --bind-address=127.0.0.1 --secure-port="$(free_port)" --leader-elect=false
    sleep 5
    alive kube-controller-manager || { tail -n 5 "$WD/kube-controller-manager.log" >&2; die "kube-controller-manager exited"; }
    alive kube-scheduler || { tail -n 5 "$WD/kube-scheduler.log" >&2; die "kube-scheduler exited"; }
    log "kube-controller-manager (pid $(cat "$WD/kube-controller-manager.pid")), kube-scheduler (pid $(cat "$WD/kube-scheduler.pid")) started"
  fi
  if [[ ${KUBE_PROXY:-0} == 1 ]]; then
    [[ -x $bin/kube-proxy ]] || die "no kube-proxy in $bin"
    touch "$WD/iptables-touched"
    cat >"$WD/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$kc"}
mode: ${KUBE_PROXY_MODE:-iptables}
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:$(free_port)
metricsBindAddress: 127.0.0.1:$(free_port)
conntrack: {maxPerCore: 0}
iptables: {localhostNodePorts: false}
YAML
    launch kube-proxy "$bin/kube-proxy" --config="$WD/kube-proxy.yaml" --v=2
    log "kube-proxy started (pid $(cat "$WD/kube-proxy.pid"))"
  fi
  echo "KUBECONFIG=$kc"
}

case "$CMD" in
  start) start ;;
  stop) stop_all ;;
  *) die "usage: cluster-up.sh start|stop <workdir>" ;;
esac
