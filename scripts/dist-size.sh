#!/usr/bin/env bash
# Builds banshitong_ffi with the phone release profile (`dist`: opt-level z,
# LTO, one codegen unit, stripped, unwinding kept) and prints its size.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -p banshitong-ffi --profile dist >&2
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
for file in "$target_dir"/dist/libbanshitong_ffi.so "$target_dir"/dist/libbanshitong_ffi.a; do
    [ -f "$file" ] || continue
    bytes=$(stat -c %s "$file")
    printf '%s: %d bytes (%.1f MiB)\n' "$(basename "$file")" "$bytes" "$(awk "BEGIN { print $bytes / 1048576 }")"
done
