#!/usr/bin/env bash
# The Swift suite: generates the bindings (with test support) into the ios/
# Swift package, runs its XCTest suite (ios/Tests) with `swift test` on Linux
# against the host library, then prints one plain summary line:
#     swift: N passed, N failed
# Exits non-zero on any failed test, crash or build error.
#
# Swift comes from scripts/toolchain/swift.sh: the host's if it is 6.x,
# otherwise a cached Debian 13 chroot, entered through swift-run.sh with the
# repo root bind-mounted at the same path.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

library=$(scripts/generate-bindings.sh --testing | tail -n 1)
eval "$(scripts/toolchain/swift.sh)"

# The tests link a private copy of the library the bindings were just
# generated from: the cargo target dir is shared with builds without
# --testing, which would swap the library mid-run (the bindings' checksums
# and test-only symbols would no longer match), and it may lie outside the
# repo, the only folder the chroot sees. Replaced by rename, so a process
# still mapping the old copy is not disturbed.
lib_dir=ios/.build/banshitong-ffi
lib_name=$(basename "$library")    # libbanshitong_ffi.so (.dylib on a Mac)
mkdir -p "$lib_dir"
cp "$library" "$lib_dir/.$lib_name.new"
mv -f "$lib_dir/.$lib_name.new" "$lib_dir/$lib_name"
# Read by ios/Package.swift: -L and rpath for the test binary.
BST_LIB_DIR=$(realpath "$lib_dir")
export BST_LIB_DIR

log=ios/.build/swift-test.log
set +e
scripts/toolchain/swift-run.sh "$root" -- swift test --package-path ios 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# XCTest prints "Test Case 'Suite.test' started" and then "... passed" or
# "... failed" per test; one that started and never ended crashed the run.
started=$(grep -cE "^Test Case '[^']+' started" "$log" || true)
passed=$(grep -cE "^Test Case '[^']+' passed" "$log" || true)
failed=$((started - passed))
echo "swift: $passed passed, $failed failed"
if [ "$started" -eq 0 ]; then
    echo "test-swift.sh: no test ran (see the build output above)" >&2
    status=1
fi
[ "$failed" -eq 0 ] || status=1
exit "$status"
