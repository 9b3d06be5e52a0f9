#!/usr/bin/env bash
# Installs the independent tus implementations of interop/tus (npm, pinned by
# its package-lock.json) and prints the folder holding their node_modules:
#     export BST_TUS_INTEROP_DIR="$(scripts/toolchain/tus-interop.sh)"
# The tests that talk to them (core: client -> @tus/server; server:
# tus-js-client -> reference server) read that variable and fail, not skip,
# without it. Kept under $BST_TOOLCHAIN_CACHE, keyed by the lock file, so a
# rerun only checks.
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE="${BST_TOOLCHAIN_CACHE:-/var/cache/banshitong}"
log() { echo "tus-interop.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

command -v node >/dev/null || die "node not found (the tus interop tests run Node.js)"
lock_hash=$(sha256sum interop/tus/package-lock.json | cut -c1-16)
DIR="$CACHE/tus-interop-$lock_hash"
mkdir -p "$CACHE"
exec 9>"$CACHE/tus-interop.lock"
flock 9
if [[ ! -d "$DIR/node_modules/tus-js-client" || ! -d "$DIR/node_modules/@tus/server" ]]; then
  log "installing tus-js-client and @tus/server into $DIR"
  rm -rf "$DIR.tmp" && mkdir -p "$DIR.tmp"
  cp interop/tus/package.json interop/tus/package-lock.json "$DIR.tmp/"
  (cd "$DIR.tmp" && npm ci --cache "$CACHE/npm-cache" --no-audit --no-fund --loglevel=error >&2) \
    || die "npm ci failed"
  rm -rf "$DIR" && mv "$DIR.tmp" "$DIR"
fi
echo "$DIR"
