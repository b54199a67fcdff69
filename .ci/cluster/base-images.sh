#!/usr/bin/env bash
# Builds the images the test cluster needs besides Infergate's own, with no registry and no Docker:
#   pause.tar     registry.k8s.io/pause:local       OCI archive: static C pause, the CRI sandbox image
#   busybox.tar   docker.io/library/busybox:local   OCI archive: Debian's busybox-static (smoke test)
#   jre-base.tar  infergate.local/jre-base:25       docker-save archive: the local stand-in for
#                 eclipse-temurin:25-jre that Jib builds Infergate's images on in CI
#                 (-Dinfergate.image.base=tar://<outdir>/jre-base.tar): jlink'd Temurin 25 runtime
#                 + the host glibc files it links against, /opt/java like the Temurin images.
# Deterministic (mkimage.py: uid 0, mtime 0, sorted entries); a complete <outdir> is kept as is.
#
# Usage: base-images.sh <outdir>
# Env: JAVA_HOME_IMAGE (default: temurin-25 under /usr/lib/jvm)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: base-images.sh <outdir>}; mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
if [[ -s $OUT/pause.tar && -s $OUT/busybox.tar && -s $OUT/jre-base.tar ]]; then echo "IMAGES_DIR=$OUT"; exit 0; fi
JAVA_HOME=${JAVA_HOME_IMAGE:-$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -1)}
log() { echo "base-images: $*" >&2; }
die() { echo "base-images: ERROR: $*" >&2; exit 1; }
[[ -x "$JAVA_HOME/bin/jlink" ]] || die "no jlink in JAVA_HOME=$JAVA_HOME"
command -v gcc >/dev/null || die "gcc needed (static pause binary)"
[[ -x /bin/busybox ]] || die "apt-get install busybox-static"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
MK="python3 $HERE/mkimage.py"

# ---- pause + busybox ----
mkdir -p "$T/pause" "$T/busybox"/{bin,etc,tmp,proc,sys,dev,var/www}
cat >"$T/pause.c" <<'CEOF'
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
static void onterm(int s) { (void)s; _exit(0); }
static void onchld(int s) { (void)s; while (waitpid(-1, NULL, WNOHANG) > 0); }
int main(void) {
  struct sigaction a = {0}; a.sa_handler = onterm;
  sigaction(SIGINT, &a, NULL); sigaction(SIGTERM, &a, NULL);
  a.sa_handler = onchld; a.sa_flags = SA_NOCLDSTOP; sigaction(SIGCHLD, &a, NULL);
  for (;;) pause();
}
CEOF
gcc -static -Os -o "$T/pause/pause" "$T/pause.c"; strip "$T/pause/pause"
$MK --name registry.k8s.io/pause:local --out "$OUT/pause.tar" --layer "$T/pause" --entrypoint '["/pause"]'
cp /bin/busybox "$T/busybox/bin/"
for a in $(/bin/busybox --list); do [[ $a == busybox ]] || ln -sf busybox "$T/busybox/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$T/busybox/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$T/busybox/etc/group"
echo '<h1>hello from busybox</h1>' >"$T/busybox/var/www/index.html"
chmod 1777 "$T/busybox/tmp"
$MK --name docker.io/library/busybox:local --out "$OUT/busybox.tar" --layer "$T/busybox" --cmd '["sh"]'

# ---- JVM base layer: jlink runtime + host glibc ----
{
  B="$T/jre"; mkdir -p "$B"/{opt,etc,tmp,lib64,lib/x86_64-linux-gnu,usr/bin}
  mods=$("$JAVA_HOME/bin/java" --list-modules | sed 's/@.*//' |
    grep -xE 'java\.se|jdk\.unsupported|jdk\.management|jdk\.zipfs|jdk\.crypto\.cryptoki|jdk\.crypto\.ec|jdk\.naming\.dns|jdk\.localedata|jdk\.jfr|jdk\.httpserver|jdk\.net|jdk\.management\.agent' | paste -sd,)
  log "jlink $mods"
  "$JAVA_HOME/bin/jlink" --add-modules "$mods" --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$B/opt/java"
  # glibc pieces the runtime links against (X11/ALSA of java.desktop are left out: headless)
  for f in $(ldd "$B/opt/java/bin/java" "$B"/opt/java/lib/*.so "$B"/opt/java/lib/server/*.so 2>/dev/null |
             awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u); do
    case "$f" in "$B"/*) continue ;; esac
    case "${f##*/}" in libc.so*|libm.so*|libdl.so*|libpthread.so*|librt.so*|libz.so*|libgcc_s.so*|libstdc++.so*) ;; *) continue ;; esac
    cp -L "$f" "$B/lib/x86_64-linux-gnu/"
  done
  cp -L /lib64/ld-linux-x86-64.so.2 "$B/lib64/"
  for f in libnss_files.so.2 libnss_dns.so.2 libresolv.so.2; do
    [[ -e /lib/x86_64-linux-gnu/$f ]] && cp -L "/lib/x86_64-linux-gnu/$f" "$B/lib/x86_64-linux-gnu/"
  done
  printf 'root:x:0:0:root:/root:/sbin/nologin\ninfergate:x:65532:65532::/tmp:/sbin/nologin\n' >"$B/etc/passwd"
  printf 'root:x:0:\ninfergate:x:65532:\n' >"$B/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$B/etc/nsswitch.conf"
  chmod 1777 "$B/tmp"
  ln -s /opt/java/bin/java "$B/usr/bin/java"
  "$B/opt/java/bin/java" -version >/dev/null 2>&1 || die "jlink'd java does not run on the host"
  # The local stand-in for eclipse-temurin:25-jre (no registry is reachable in CI): Jib takes it as
  # its base image with -Dinfergate.image.base=tar://$OUT/jre-base.tar (docker save layout).
  $MK --format docker --name infergate.local/jre-base:25 --out "$OUT/jre-base.tar" --layer "$B" \
    --env PATH=/opt/java/bin:/usr/local/bin:/usr/bin:/bin --env JAVA_HOME=/opt/java
}
ls -la "$OUT" >&2
echo "IMAGES_DIR=$OUT"
