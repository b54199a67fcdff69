# Sourced by ./mvnw and ./infergate: export JAVA_HOME pointing at a JDK >= 21.
# Rule: keep JAVA_HOME when it already is >= 21; else try `java` on PATH, then the JDKs under
# /usr/lib/jvm (newest first). Fail with a clear message when none is found, because Helidon 4
# needs Java 21 and Maven's own error on an older JDK is cryptic.
infergate_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1
}
infergate_find_jdk() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(infergate_java_major "$JAVA_HOME"); [ "${v:-0}" -ge 21 ] && return 0
  fi
  if command -v javac >/dev/null 2>&1; then
    h=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(infergate_java_major "$h"); if [ "${v:-0}" -ge 21 ]; then JAVA_HOME=$h; export JAVA_HOME; return 0; fi
  fi
  set +f  # callers may run with globbing off (mvnw uses set -f)
  for h in $(ls -d /usr/lib/jvm/*/ /opt/java/*/ /Library/Java/JavaVirtualMachines/*/Contents/Home/ 2>/dev/null | sort -rV); do
    h=${h%/}
    [ -x "$h/bin/javac" ] || continue
    v=$(infergate_java_major "$h"); if [ "${v:-0}" -ge 21 ]; then JAVA_HOME=$h; export JAVA_HOME; return 0; fi
  done
  echo "infergate: no JDK >= 21 found (JAVA_HOME='${JAVA_HOME-}'). Install Java 21+ (e.g. Temurin 25) and set JAVA_HOME." >&2
  return 1
}
infergate_find_jdk || exit 1
