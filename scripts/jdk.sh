# Sourced by LeakWatch's scripts: finds a JDK 25 for the services and the build, and a JDK 17 for
# the collector's host tests. Honours JAVA_HOME when it already is a JDK 25.
leakwatch_find_jdk() { # $1 = feature version
  local want=$1 d v
  for d in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-"$want"-jdk* /usr/lib/jvm/java-"$want"-openjdk* /usr/lib/jvm/*; do
    [ -n "$d" ] && [ -x "$d/bin/javac" ] || continue
    v=$("$d/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ "$v" = "$want" ]; then echo "$d"; return 0; fi
  done
  return 1
}
if ! LEAKWATCH_JDK25=$(leakwatch_find_jdk 25); then
  echo "LeakWatch needs a JDK 25 (Temurin 25 under /usr/lib/jvm, or JAVA_HOME pointing at one)." >&2
  exit 2
fi
export JAVA_HOME="$LEAKWATCH_JDK25"
LEAKWATCH_JDK17=$(leakwatch_find_jdk 17 || true)
export LEAKWATCH_JDK17
