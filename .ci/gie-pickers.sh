#!/usr/bin/env bash
# Builds the Inference Extension's endpoint pickers from Go modules (served by the Go module
# proxy) into a cache outside the repository, as test peers for the router's ext_proc client:
#   lwepp  sigs.k8s.io/gateway-api-inference-extension/cmd/lwepp @ v1.6.2 (the conformance picker:
#          round-robin, honours the test-epp-endpoint-selection header)
#   epp    sigs.k8s.io/gateway-api-inference-extension/cmd/epp   @ v1.5.0 (the full picker)
#   lwepp-loopback  the same lwepp packages @ v1.6.2 behind our main (.ci/gie-loopback/), which
#          binds only the address it is given: upstream cmd/lwepp listens on every interface, and
#          test peers here may bind loopback only. This is the binary the tests run.
#   epp-loopback  the epp packages @ v1.5.0 behind our main (.ci/gie-loopback/epp-loopback.go),
#          which binds its ext_proc, gRPC health and metrics ports on --bind-host only (upstream
#          cmd/epp binds ":<port>" for all three). This is the full picker the tests run.
# Idempotent: a complete cache is a fast no-op; each binary is built once per version.
#
# Usage: .ci/gie-pickers.sh [lwepp|lwepp-loopback|epp|epp-loopback|extproc-driver]...   (default: all five, in that order)
# Prints as its last stdout line:  GIE_PICKERS=<dir>   (<dir>/<target> for each, <dir>/VERSIONS)
# Tests read INFERGATE_GIE_PICKERS=<dir> and skip with a printed reason when a binary is absent.
#
# `go install module/cmd/x@v` fails here on the proxy's version list (403): a throwaway module
# that requires exactly that version and builds the package works (as .ci/kube-binaries.sh does).
#
# Environment:
#   INFERGATE_GIE_CACHE  cache dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/infergate/gie-pickers)
# A cold build takes 10-25 min per binary on 2 cores (run with nice -n 19); later runs < 1 s.
set -euo pipefail

GIE_MODULE=sigs.k8s.io/gateway-api-inference-extension
LWEPP_VERSION=v1.6.2
EPP_VERSION=v1.5.0

CACHE="${INFERGATE_GIE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/infergate/gie-pickers}"
log() { echo "gie-pickers: $*" >&2; }
die() { echo "gie-pickers: ERROR: $*" >&2; exit 1; }

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(lwepp lwepp-loopback epp epp-loopback extproc-driver)
for t in "${targets[@]}"; do
  case "$t" in lwepp|lwepp-loopback|epp|epp-loopback|extproc-driver) ;; *) die "unknown target '$t' (expected lwepp, lwepp-loopback, epp, epp-loopback or extproc-driver)" ;; esac
done

LOOPBACK_DIR="$(cd "$(dirname "$0")" && pwd)/gie-loopback"
DRIVER_DIR="$(cd "$(dirname "$0")" && pwd)/gie-driver"
version_of() { case "$1" in lwepp|lwepp-loopback) echo "$LWEPP_VERSION" ;; epp|epp-loopback|extproc-driver) echo "$EPP_VERSION" ;; esac; }
# What a binary is built from: the module version, and for our mains the hash of their source.
stamp_of() {
  case "$1" in
    extproc-driver) echo "$GIE_MODULE/test/integration@$(version_of "$1") main=$(cat "$DRIVER_DIR"/*.go | sha256sum | cut -c1-16)" ;;
    *-loopback) echo "$GIE_MODULE/pkg/${1%-loopback}@$(version_of "$1") main=$(sha256sum "$LOOPBACK_DIR/$1.go" | cut -c1-16)" ;;
    *) echo "$GIE_MODULE/cmd/$1@$(version_of "$1")" ;;
  esac
}
# A binary is complete when it exists and its stamp is the expected one.
built() { [[ -x "$CACHE/$1" && -f "$CACHE/$1.version" && "$(cat "$CACHE/$1.version")" == "$(stamp_of "$1")" ]]; }
all_built() { local t; for t in "${targets[@]}"; do built "$t" || return 1; done; }
write_versions() { local t; : >"$CACHE/VERSIONS.tmp"
  for t in lwepp lwepp-loopback epp epp-loopback extproc-driver; do [[ -f "$CACHE/$t.version" ]] && cat "$CACHE/$t.version" >>"$CACHE/VERSIONS.tmp"; done
  mv -f "$CACHE/VERSIONS.tmp" "$CACHE/VERSIONS"; }

if all_built; then echo "GIE_PICKERS=$CACHE"; exit 0; fi

GO=$(command -v go || true)
if [[ -z "$GO" && -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; fi
[[ -n "$GO" ]] || die "Go toolchain not found (no 'go' on PATH, no /usr/local/go/bin/go); Go >= 1.25 is needed"
export GOTOOLCHAIN=local          # never download another toolchain
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false -mod=mod"
export GOWORK=off
export CGO_ENABLED="${CGO_ENABLED:-0}"

mkdir -p "$CACHE" "$CACHE/logs"
exec 9>"$CACHE/.lock"             # one build at a time per cache
if command -v flock >/dev/null; then
  flock 9
  if all_built; then echo "GIE_PICKERS=$CACHE"; exit 0; fi
fi

TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/infergate-giebuild.XXXXXX")
trap 'rm -rf "$TMPROOT"' EXIT

run() { # run <logname> <description> cmd...: quiet; on failure prints the log tail and exits
  local name=$1 what=$2; shift 2
  local logf="$CACHE/logs/$name.log" t0=$SECONDS
  log "$what ..."
  if ! "$@" >"$logf" 2>&1; then
    tail -n 40 "$logf" >&2
    die "$what failed (full log: $logf)"
  fi
  log "$what done in $((SECONDS - t0)) s"
}

build_one() { # build_one lwepp|lwepp-loopback|epp|epp-loopback|extproc-driver
  local name=$1 version work pkg
  version=$(version_of "$name")
  work="$TMPROOT/mod-$version"          # one throwaway module per GIE version, shared by its binaries
  mkdir -p "$work/tools"
  printf 'module infergate.invalid/giebuild\n\ngo 1.25.0\n\nrequire %s %s\n' "$GIE_MODULE" "$version" >"$work/go.mod"
  if [[ "$name" == extproc-driver ]]; then
    mkdir -p "$work/$name"
    cp "$DRIVER_DIR"/*.go "$work/$name/"
    pkg=./$name
  elif [[ "$name" == *-loopback ]]; then
    [[ -f "$LOOPBACK_DIR/$name.go" ]] || die "missing $LOOPBACK_DIR/$name.go"
    mkdir -p "$work/$name"
    cp "$LOOPBACK_DIR/$name.go" "$work/$name/main.go"
    pkg=./$name
  else
    pkg="$GIE_MODULE/cmd/$name"
    printf '//go:build tools\n\n// Keeps %s in the module graph for go mod tidy.\npackage tools\n\nimport _ "%s"\n' \
      "$pkg" "$pkg" >"$work/tools/$name.go"
  fi
  (cd "$work" && run "tidy-$name" "resolving modules for $name ($GIE_MODULE $version)" nice -n 19 "$GO" mod tidy)
  (cd "$work" && run "build-$name" "building $name ($version)" \
    nice -n 19 "$GO" build -trimpath -ldflags "-s -w" -o "$CACHE/$name.tmp" "$pkg")
  mv -f "$CACHE/$name.tmp" "$CACHE/$name"
  stamp_of "$name" >"$CACHE/$name.version"
  write_versions
}

for t in "${targets[@]}"; do
  if built "$t"; then log "$t already built: $CACHE/$t"; else build_one "$t"; fi
done
write_versions
log "ready: $(du -sh "$CACHE" | cut -f1) in $CACHE"
echo "GIE_PICKERS=$CACHE"
