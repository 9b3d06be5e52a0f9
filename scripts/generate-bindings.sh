#!/usr/bin/env bash
# Builds the banshitong_ffi library and generates its Kotlin and Swift
# bindings (uniffi library mode) into the Android and iOS package folders.
# Generated files are build outputs: they are not committed.
#
#   scripts/generate-bindings.sh [--testing] [--profile dev|release|dist]
#
# --testing adds the test-support API (ReferencePlatform) used by the Kotlin
# and Swift suites; app builds never pass it.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=dev
features=()
while [ $# -gt 0 ]; do
    case $1 in
        --testing) features=(--features testing) ;;
        --profile) profile=$2; shift ;;
        *) echo "usage: $0 [--testing] [--profile dev|release|dist]" >&2; exit 2 ;;
    esac
    shift
done

cargo build -p banshitong-ffi --profile "$profile" "${features[@]}" >&2
out_dir=$profile
[ "$profile" = dev ] && out_dir=debug
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
library="$target_dir/$out_dir/libbanshitong_ffi.so"
[ "$(uname)" = Darwin ] && library="$target_dir/$out_dir/libbanshitong_ffi.dylib"

kotlin_out=android/banshitong/src/main/java
swift_out=ios/Sources/Banshitong/Generated
ffi_out=ios/Sources/BanshitongFFI
rm -rf "$kotlin_out/cn/gov/yn/banshitong/banshitong.kt" "$kotlin_out/cn/gov/yn/banshitong/core" \
    "$kotlin_out/cn/gov/yn/banshitong/forms" "$swift_out" "$ffi_out"
mkdir -p "$kotlin_out" "$swift_out" "$ffi_out"

bindgen() {
    cargo run -q -p uniffi-bindgen -- generate --no-format --config uniffi.toml --library "$library" "$@"
}
bindgen --language kotlin --out-dir "$kotlin_out" >&2
bindgen --language swift --out-dir "$swift_out" >&2

# The C side of the Swift bindings: every crate's header in one module map,
# with the library to link, so SwiftPM (systemLibrary on Linux) and the
# XCFramework (on Apple platforms) can both use it.
mv "$swift_out"/*.h "$ffi_out"/
rm -f "$swift_out"/*.modulemap
{
    echo 'module BanshitongFFI {'
    echo '    header "BanshitongFFI.h"'
    echo '    link "banshitong_ffi"'
    echo '    export *'
    echo '}'
    echo 'module BanshitongCoreFFI {'
    echo '    header "BanshitongCoreFFI.h"'
    echo '    export *'
    echo '}'
    echo 'module BanshitongFormsFFI {'
    echo '    header "BanshitongFormsFFI.h"'
    echo '    export *'
    echo '}'
} > "$ffi_out/module.modulemap"
# A crate uniffi.toml does not name would get a header the map lacks and a
# Swift file that cannot find its C module: fail here, not in swiftc.
for header in "$ffi_out"/*.h; do
    grep -q "header \"$(basename "$header")\"" "$ffi_out/module.modulemap" \
        || { echo "generate-bindings.sh: $(basename "$header") is not in the module map" >&2; exit 1; }
done

echo "$library"
