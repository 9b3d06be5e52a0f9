#!/usr/bin/env bash
# Installs zbarimg (Debian's zbar-tools), an independent QR reader, and
# prints its path:
#     export BST_ZBARIMG="$(scripts/toolchain/zbar.sh)"
# The core's QR interop test decodes the PNGs the core renders with it and
# fails, not skips, without it.
set -euo pipefail

CACHE="${BST_TOOLCHAIN_CACHE:-/var/cache/banshitong}"
log() { echo "zbar.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

if ! command -v zbarimg >/dev/null; then
  mkdir -p "$CACHE"
  log "installing zbar-tools"
  # The shared apt lock keeps the toolchain scripts from racing for dpkg.
  flock "$CACHE/apt.lock" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends zbar-tools' >&2 \
    || die "apt-get install zbar-tools failed"
fi
command -v zbarimg || die "zbarimg not found after installing zbar-tools"
