#!/usr/bin/env bash
# Builds libbanshitong_ffi for the Android app and regenerates its Kotlin
# bindings:
#   1. cargo-ndk, `dist` profile, for arm64-v8a, armeabi-v7a and x86_64,
#      into android/banshitong/src/main/jniLibs/<abi>/;
#   2. scripts/generate-bindings.sh (host build, uniffi library mode, without
#      --testing: an app never carries the test API) into
#      android/banshitong/src/main/java.
# Both are build outputs and not committed. Gradle runs this before every
# build of android/banshitong (task buildRustLibrary).
#
#   scripts/build-android.sh
#
# Needs: Rust (rustup), ANDROID_NDK_HOME pointing at an NDK r28 or newer
# (Gradle passes the one android/banshitong pins when the variable is unset),
# perl and python3. Installs the Android Rust targets and cargo-ndk if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "build-android.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Android Studio starts Gradle without the login shell's PATH.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs)"

# --- The NDK: r28+ links with 16 KB-aligned segments, which Android 15+
# devices with 16 KB pages need to load the library. ----------------------
[ -n "${ANDROID_NDK_HOME:-}" ] \
    || die "ANDROID_NDK_HOME is not set: point it at an NDK r28 or newer, e.g. \$ANDROID_HOME/ndk/28.2.13676358"
[ -f "$ANDROID_NDK_HOME/source.properties" ] \
    || die "ANDROID_NDK_HOME=$ANDROID_NDK_HOME is not an NDK folder (it has no source.properties)"
ndk_version=$(sed -n 's/^Pkg\.Revision *= *//p' "$ANDROID_NDK_HOME/source.properties" | tr -d '\r')
ndk_major=${ndk_version%%.*}
[[ $ndk_major =~ ^[0-9]+$ ]] || die "cannot read the NDK version from $ANDROID_NDK_HOME/source.properties"
((ndk_major >= 28)) \
    || die "NDK $ndk_version is too old: r28 or newer is needed for 16 KB-aligned libraries (Android 15+)"

# --- Rust targets and cargo-ndk ------------------------------------------
targets=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android)
if command -v rustup >/dev/null; then
    installed=$(rustup target list --installed)
    missing=()
    for t in "${targets[@]}"; do
        grep -qx "$t" <<<"$installed" || missing+=("$t")
    done
    if ((${#missing[@]})); then
        log "adding Rust targets: ${missing[*]}"
        rustup target add "${missing[@]}" >&2
    fi
else
    log "rustup not found: make sure the Rust standard library is installed for ${targets[*]}"
fi

if ! command -v cargo-ndk >/dev/null; then
    log "cargo-ndk not found: installing it (cargo install cargo-ndk)"
    cargo install --locked cargo-ndk >&2 || die "cargo install cargo-ndk failed"
fi

# --- The libraries ---------------------------------------------------------
jni_libs=android/banshitong/src/main/jniLibs
abis=(arm64-v8a armeabi-v7a x86_64)
log "building libbanshitong_ffi (profile dist) for ${abis[*]} with NDK $ndk_version"
# --platform: link against the app's minSdk (26), not cargo-ndk's default (21).
cargo ndk --platform 26 -t arm64-v8a -t armeabi-v7a -t x86_64 -o "$jni_libs" \
    build -p banshitong-ffi --profile dist >&2 \
    || die "cargo ndk build failed (see above)"
for abi in "${abis[@]}"; do
    [ -f "$jni_libs/$abi/libbanshitong_ffi.so" ] || die "missing $jni_libs/$abi/libbanshitong_ffi.so after the build"
done

# --- The Kotlin bindings ----------------------------------------------------
# From the host build of the same sources, as scripts/test-kotlin.sh does:
# uniffi's metadata does not depend on the target.
log "generating the Kotlin bindings"
host_library=$(scripts/generate-bindings.sh | tail -n 1) || die "generating the bindings failed (see above)"
log "bindings generated from $host_library"

log "done: $jni_libs/{$(IFS=,; echo "${abis[*]}")}/libbanshitong_ffi.so and android/banshitong/src/main/java"
