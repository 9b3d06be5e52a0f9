#!/usr/bin/env bash
# Installs the independent implementations of interop/cose (pycose for
# COSE and Ed25519, gmssl for SM2/SM3, from PyPI, pinned by its
# requirements.txt) into a Python venv and prints the venv's python:
#     export BST_COSE_INTEROP_PYTHON="$(scripts/toolchain/cose-interop.sh)"
# The trust crate's interop test runs interop/cose/verify.py with it and
# fails, not skips, without it. Kept under $BST_TOOLCHAIN_CACHE, keyed by
# the requirements file, so a rerun only checks.
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE="${BST_TOOLCHAIN_CACHE:-/var/cache/banshitong}"
log() { echo "cose-interop.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

command -v python3 >/dev/null || die "python3 not found (the COSE interop test runs pycose)"
req_hash=$(sha256sum interop/cose/requirements.txt | cut -c1-16)
DIR="$CACHE/cose-interop-$req_hash"
mkdir -p "$CACHE"
exec 9>"$CACHE/cose-interop.lock"
flock 9
if [[ ! -x "$DIR/bin/python" ]] || ! "$DIR/bin/python" -c 'import pycose, gmssl' 2>/dev/null; then
  # Debian splits venv (and ensurepip) out of python3.
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    log "installing python3-venv"
    # The shared apt lock keeps the toolchain scripts from racing for dpkg.
    flock "$CACHE/apt.lock" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv' >&2 \
      || die "apt-get install python3-venv failed"
  fi
  log "installing pycose and gmssl into $DIR"
  # Built in place (a venv does not survive a move); the import check
  # above redoes a half-finished one.
  rm -rf "$DIR"
  python3 -m venv "$DIR" >&2 || die "python3 -m venv failed"
  "$DIR/bin/pip" install --quiet --disable-pip-version-check --no-input \
    -r interop/cose/requirements.txt >&2 || { rm -rf "$DIR"; die "pip install failed"; }
fi
echo "$DIR/bin/python"
