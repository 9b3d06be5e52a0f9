#!/usr/bin/env bash
# Builds ios/BanshitongFFI.xcframework, the C half of the Swift package in
# ios/ on Apple platforms, and regenerates the package's Swift bindings:
#   1. the staticlib, `dist` profile, for aarch64-apple-ios (devices),
#      aarch64-apple-ios-sim and x86_64-apple-ios (simulators on Apple
#      silicon and Intel Macs; lipo'd into one simulator library);
#   2. scripts/generate-bindings.sh (host build, uniffi library mode, without
#      --testing: an app never carries the test API) into ios/Sources;
#   3. xcodebuild -create-xcframework with both slices and one Headers folder
#      (BanshitongFFI.h, BanshitongCoreFFI.h, BanshitongFormsFFI.h,
#      module.modulemap).
# All three are build outputs and not committed.
#
#   scripts/build-xcframework.sh
#
# Needs: macOS with Xcode (xcodebuild, lipo), Rust (rustup), perl and
# python3. Installs the iOS Rust targets if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "build-xcframework.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(uname)" = Darwin ] || die "needs macOS with Xcode (xcodebuild, lipo); on Linux run scripts/test-swift.sh"
command -v xcodebuild >/dev/null || die "xcodebuild not found: install Xcode and run xcode-select"
command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs)"

# Matches `platforms: [.iOS(.v15)]` in ios/Package.swift; rustc and the C
# builds of SQLCipher, OpenSSL and ring all read it.
export IPHONEOS_DEPLOYMENT_TARGET=15.0

device=aarch64-apple-ios
simulators=(aarch64-apple-ios-sim x86_64-apple-ios)
targets=("$device" "${simulators[@]}")

# --- Rust targets ------------------------------------------------------------
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

# --- The static libraries ----------------------------------------------------
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
work="$target_dir/xcframework"
rm -rf "$work" && mkdir -p "$work"
for t in "${targets[@]}"; do
    log "building libbanshitong_ffi.a (profile dist) for $t"
    # `cargo rustc` to build the staticlib alone and to have rustc print the
    # system libraries and frameworks the final link needs.
    cargo rustc -p banshitong-ffi --profile dist --target "$t" --crate-type staticlib \
        -- --print native-static-libs 2>&1 | tee "$work/$t.log" >&2 \
        || die "cargo build for $t failed (see above)"
done
device_lib="$target_dir/$device/dist/libbanshitong_ffi.a"
simulator_lib="$work/simulator/libbanshitong_ffi.a"
simulator_slices=()
for t in "${simulators[@]}"; do
    simulator_slices+=("$target_dir/$t/dist/libbanshitong_ffi.a")
done
mkdir -p "$(dirname "$simulator_lib")"
# One XCFramework slice per platform: both simulator architectures in one file.
lipo -create "${simulator_slices[@]}" -output "$simulator_lib" || die "lipo failed"

# The app links the system frameworks and libraries the Rust code needs
# through ios/Package.swift (a static library carries no autolink entries):
# check it names every one rustc lists, except libSystem, libc and libm,
# which every Apple link includes.
native=$(grep -ho 'native-static-libs:.*' "$work/$device.log" | tail -n 1 || true)
if [ -z "$native" ]; then
    log "warning: rustc printed no native-static-libs (a cached build?): the link check was skipped"
fi
# shellcheck disable=SC2013 # one name per word: names have no spaces
for framework in $(grep -o -- '-framework [A-Za-z0-9_]*' <<<"$native" | awk '{ print $2 }' | sort -u); do
    grep -q ".linkedFramework(\"$framework\")" ios/Package.swift \
        || die "the Rust library needs $framework: add .linkedFramework(\"$framework\") to ios/Package.swift"
done
# shellcheck disable=SC2013
for library in $(grep -oE -- '(^| )-l[A-Za-z0-9_+]+' <<<"$native" | sed 's/^ *-l//' | sort -u); do
    case $library in System | c | m) continue ;; esac
    grep -q ".linkedLibrary(\"$library\")" ios/Package.swift \
        || die "the Rust library needs lib$library: add .linkedLibrary(\"$library\") to ios/Package.swift"
done

# --- Bindings and headers ----------------------------------------------------
log "generating the Swift bindings"
scripts/generate-bindings.sh >/dev/null
headers="$work/Headers"
mkdir -p "$headers"
cp ios/Sources/BanshitongFFI/*.h "$headers/"
# Xcode links the XCFramework's library itself; the module map's `link`
# line (for the Linux shared library) would add a -l it cannot resolve.
sed '/^[[:space:]]*link /d' ios/Sources/BanshitongFFI/module.modulemap > "$headers/module.modulemap"

# --- The XCFramework ---------------------------------------------------------
output=ios/BanshitongFFI.xcframework
rm -rf "$output"
xcodebuild -create-xcframework \
    -library "$device_lib" -headers "$headers" \
    -library "$simulator_lib" -headers "$headers" \
    -output "$output" >&2 \
    || die "xcodebuild -create-xcframework failed"
log "built $output:"
find "$output" -name '*.a' -exec sh -c 'printf "  %s: %s bytes\n" "$1" "$(stat -f %z "$1")"' sh {} \; >&2
