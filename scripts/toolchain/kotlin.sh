#!/usr/bin/env bash
# Installs the toolchain for the Kotlin/JVM test suite and prints `export`
# lines for the caller to eval:
#     eval "$(scripts/toolchain/kotlin.sh)"
#     "$KOTLINC" -cp "$KOTLIN_CLASSPATH" ...; java -cp "$KOTLIN_CLASSPATH:..." ...
# Idempotent: everything downloaded is kept under $BST_TOOLCHAIN_CACHE, so a
# rerun only checks and prints. Progress goes to stderr, exports to stdout.
set -euo pipefail

CACHE="${BST_TOOLCHAIN_CACHE:-/var/cache/banshitong}"
# Pinned so every machine compiles with the same compiler; override to try another.
KOTLIN_VERSION="${BST_KOTLIN_VERSION:-2.4.20}"

log() { echo "kotlin.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

mkdir -p "$CACHE"
# One run at a time per cache; a second caller waits, then finds everything done.
exec 9>"$CACHE/kotlin.lock"
flock 9

# --- Debian packages: JNA (uniffi's Kotlin bindings load the Rust library
# through it), JUnit 4 and the hamcrest it depends on; a JRE if none. -------
pkgs=(libjna-java junit4 libhamcrest-java)
command -v java >/dev/null || pkgs+=(default-jre-headless)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  # The shared apt lock keeps kotlin.sh and swift.sh from racing for dpkg.
  export DEBIAN_FRONTEND=noninteractive
  flock "$CACHE/apt.lock" sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@"' sh "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
fi

# --- kotlinc from the npm package kotlin-compiler (a full JVM compiler
# distribution, not only kotlinc-js). Installed into a temp dir and renamed,
# so an interrupted run never leaves a half-installed compiler behind. ------
KDIR="$CACHE/kotlin-$KOTLIN_VERSION"
KHOME="$KDIR/node_modules/kotlin-compiler"
if [[ ! -x "$KHOME/bin/kotlinc" ]]; then
  command -v npm >/dev/null || die "npm not found (needed to fetch kotlin-compiler)"
  log "installing kotlin-compiler@$KOTLIN_VERSION from npm into $KDIR"
  rm -rf "$KDIR.tmp"
  npm install --prefix "$KDIR.tmp" --cache "$CACHE/npm-cache" --no-audit --no-fund \
    --loglevel=error "kotlin-compiler@$KOTLIN_VERSION" >&2 || die "npm install kotlin-compiler failed"
  [[ -x "$KDIR.tmp/node_modules/kotlin-compiler/bin/kotlinc" ]] || die "kotlin-compiler has no bin/kotlinc"
  rm -rf "$KDIR"
  mv "$KDIR.tmp" "$KDIR"
fi

# --- kotlinc wrapper with JVM flags for short compiler runs: C1-only JIT and
# the serial GC. On 2 cores this cuts a small compile from ~10 s to ~6-7 s and
# a 2000-line file from ~70 s to ~35 s (-Xuse-fast-jar-file-system, already
# the default, made no difference). A caller's own JAVA_OPTS wins. ---------
KOTLINC="$KDIR/kotlinc"
cat > "$KOTLINC.tmp" <<'WRAPPER'
#!/bin/sh
: "${JAVA_OPTS:=-Xmx1g -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
export JAVA_OPTS
exec "$(dirname "$0")/node_modules/kotlin-compiler/bin/kotlinc" "$@"
WRAPPER
chmod +x "$KOTLINC.tmp"
mv "$KOTLINC.tmp" "$KOTLINC"

# --- Classpath for compiling and running the tests. ----------------------
jars=(
  "$KHOME/lib/kotlin-stdlib.jar"
  "$KHOME/lib/kotlin-test.jar"
  "$KHOME/lib/kotlin-test-junit.jar"
  "$KHOME/lib/kotlinx-coroutines-core-jvm.jar"
  /usr/share/java/jna.jar
  /usr/share/java/junit4.jar
  /usr/share/java/hamcrest.jar
)
for j in "${jars[@]}"; do [[ -f "$j" ]] || die "missing jar: $j"; done
cp=$(IFS=:; echo "${jars[*]}")

log "ready: kotlinc $KOTLIN_VERSION"
printf 'export KOTLINC=%q\n' "$KOTLINC"
printf 'export KOTLIN_CLASSPATH=%q\n' "$cp"
