#!/usr/bin/env bash
# Builds llm-d-inference-sim (github.com/llm-d/llm-d-inference-sim, the Inference Extension
# ecosystem's vLLM simulator) from its Go module into a cache outside the repository, behind our
# loopback main (bench/llmd-sim/main.go): upstream's main listens on every interface, benchmark
# peers here may bind loopback only. The simulator code is upstream's, unchanged.
# Idempotent: a complete cache is a fast no-op (the stamp is the version + the main's hash).
#
# Usage: bench/llmd-sim.sh      prints as its last stdout line  LLMD_SIM=<path of the binary>
# Run one instance:  INFERGATE_SIM_HOST=127.0.0.11 <binary> --port 8000 --model m \
#                    --force-dummy-tokenizer --zmq-endpoint "" ...   (POD_IP=<host> for --enable-kvcache)
#
# `go install module/cmd/x@v` fails here on the proxy's version list (403): a throwaway module
# that requires exactly that version and builds our main works (as .ci/gie-pickers.sh does).
# Environment: INFERGATE_LLMD_CACHE  cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/infergate/llmd-sim)
# A cold build takes ~5-15 min on 2 cores (nice -n 19); later runs < 1 s.
set -euo pipefail

MODULE=github.com/llm-d/llm-d-inference-sim
VERSION=v0.10.2
CACHE="${INFERGATE_LLMD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/infergate/llmd-sim}"
SRC="$(cd "$(dirname "$0")" && pwd)/llmd-sim/main.go"
log() { echo "llmd-sim: $*" >&2; }
die() { echo "llmd-sim: ERROR: $*" >&2; exit 1; }

[[ -f "$SRC" ]] || die "missing $SRC"
STAMP="$MODULE@$VERSION main=$(sha256sum "$SRC" | cut -c1-16)"
BIN="$CACHE/llmd-sim-loopback"
built() { [[ -x "$BIN" && -f "$BIN.version" && "$(cat "$BIN.version")" == "$STAMP" ]]; }
if built; then echo "LLMD_SIM=$BIN"; exit 0; fi

GO=$(command -v go || true)
if [[ -z "$GO" && -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; fi
[[ -n "$GO" ]] || die "Go toolchain not found (no 'go' on PATH, no /usr/local/go/bin/go); Go >= 1.25 is needed"
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false -mod=mod"

mkdir -p "$CACHE/logs"
exec 9>"$CACHE/.lock"
flock 9
if built; then echo "LLMD_SIM=$BIN"; exit 0; fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/infergate-llmdbuild.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
printf 'module infergate.invalid/llmdbuild\n\ngo 1.25.7\n\nrequire %s %s\n' "$MODULE" "$VERSION" >"$WORK/go.mod"
mkdir -p "$WORK/main" && cp "$SRC" "$WORK/main/main.go"
run() { local name=$1 what=$2; shift 2; local t0=$SECONDS
  log "$what ..."
  if ! "$@" >"$CACHE/logs/$name.log" 2>&1; then tail -n 40 "$CACHE/logs/$name.log" >&2; die "$what failed (log: $CACHE/logs/$name.log)"; fi
  log "$what done in $((SECONDS - t0)) s"; }
(cd "$WORK" && run tidy "resolving modules ($MODULE $VERSION)" nice -n 19 "$GO" mod tidy)
(cd "$WORK" && run build "building llmd-sim-loopback" nice -n 19 "$GO" build -trimpath -ldflags "-s -w" -o "$BIN.tmp" ./main)
mv -f "$BIN.tmp" "$BIN"
echo "$STAMP" >"$BIN.version"
echo "LLMD_SIM=$BIN"
