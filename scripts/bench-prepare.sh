#!/usr/bin/env bash
# Photo preparation against vipsthumbnail (libvips), issue 7's target:
# a 12-megapixel photo-like JPEG (4000x3000 upright, stored sideways with
# EXIF orientation 6) prepared to 2048 px at quality 85. Each run is its own
# child process; wall time and that child's own peak RSS (wait4) are
# recorded, the two tools alternate within one run so both see the same
# machine load, and medians and ratios are printed.
#
#   scripts/bench-prepare.sh [RUNS]        (default 15)
#
# Target: time ratio <= 1.0 (aim 0.75), peak memory ratio <= 1.5.
set -euo pipefail

runs="${1:-15}"
cd "$(dirname "$0")/.."

if ! command -v vipsthumbnail >/dev/null; then
    echo "installing libvips-tools (vipsthumbnail)..." >&2
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libvips-tools >&2
fi

cargo build -q --release -p banshitong-core --example sideways_photo --example prepare_photo
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
examples="$target_dir/release/examples"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$examples/sideways_photo" "$work/photo-12mp.jpg" 4000 3000 92 >&2

python3 - "$runs" "$work" "$examples/prepare_photo" "$(vipsthumbnail --vips-version 2>/dev/null || vips --version)" <<'PY'
import os, statistics, subprocess, sys, time

runs, work, prepare, vips_version = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
source = os.path.join(work, "photo-12mp.jpg")
tools = {
    "vipsthumbnail": ["vipsthumbnail", source, "--size", "2048",
                      "-o", os.path.join(work, "vips.jpg[Q=85,strip]")],
    "banshitong": [prepare, source, os.path.join(work, "prepared.jpg"), "2048", "85"],
}

def measure(argv):
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        sys.exit(f"{argv[0]} failed with status {status}")
    return wall * 1000.0, usage.ru_maxrss / 1024.0  # ms, MB (ru_maxrss is KB on Linux)

for argv in tools.values():  # warm the page cache and the binaries
    measure(argv)
results = {name: [] for name in tools}
for _ in range(runs):
    for name, argv in tools.items():
        results[name].append(measure(argv))

def size(path):
    out = subprocess.run(["vipsheader", "-f", "width", path], capture_output=True, text=True).stdout.strip()
    out2 = subprocess.run(["vipsheader", "-f", "height", path], capture_output=True, text=True).stdout.strip()
    return f"{out}x{out2}, {os.path.getsize(path) // 1024} KB"

print(f"input: {size(source)} (stored sideways, orientation 6); {runs} runs each, alternating")
print(f"vips: {vips_version}")
median = {}
for name, samples in results.items():
    ms = statistics.median(s[0] for s in samples)
    mb = statistics.median(s[1] for s in samples)
    median[name] = (ms, mb)
    fastest = min(s[0] for s in samples)
    print(f"{name:14} median {ms:7.1f} ms (fastest {fastest:6.1f})  peak RSS {mb:6.1f} MB")
print(f"outputs: vipsthumbnail {size(os.path.join(work, 'vips.jpg'))}; "
      f"banshitong {size(os.path.join(work, 'prepared.jpg'))}")
time_ratio = median["banshitong"][0] / median["vipsthumbnail"][0]
memory_ratio = median["banshitong"][1] / median["vipsthumbnail"][1]
print(f"ratio to vipsthumbnail: time {time_ratio:.2f} (target <= 1.0, aim 0.75), "
      f"peak memory {memory_ratio:.2f} (target <= 1.5)")
PY
