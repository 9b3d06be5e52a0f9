#!/usr/bin/env bash
# Runs a command with the Swift toolchain that scripts/toolchain/swift.sh set up:
#     eval "$(scripts/toolchain/swift.sh)"
#     scripts/toolchain/swift-run.sh HOSTDIR -- swift test
# The command runs with cwd = HOSTDIR. With SWIFT_MODE=host it runs directly;
# otherwise inside the Debian chroot, where HOSTDIR is bind-mounted at the same
# absolute path, so paths in arguments, build logs and module maps match.
# Environment variables (e.g. LD_LIBRARY_PATH) are passed through; PATH is
# replaced by the chroot's. Exit status is the command's.
set -euo pipefail

die() { echo "swift-run.sh: error: $*" >&2; exit 2; }

# Second stage: we are already in a private mount namespace (see below).
if [[ ${1:-} == --in-namespace ]]; then
  root=$2 dir=$3; shift 3
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"        # /dev/null, /dev/urandom, /dev/shm, ptys
  mount -t tmpfs tmpfs "$root/tmp"      # a clean /tmp per run; before the bind so HOSTDIR may be under /tmp
  mkdir -p "$root$dir"
  mount --bind "$dir" "$root$dir"
  # shellcheck disable=SC2016  # $1/$@ are expanded by the inner sh
  exec chroot "$root" /usr/bin/env \
    PATH=/usr/libexec/swift/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$dir" "$@"
fi

[[ $# -ge 3 && $2 == -- ]] || die "usage: swift-run.sh HOSTDIR -- CMD [ARGS...]"
[[ -d $1 ]] || die "no such directory: $1"
dir=$(realpath "$1"); shift 2

if [[ ${SWIFT_MODE:-chroot} == host ]]; then
  cd "$dir" && exec "$@"
fi

root=${SWIFT_CHROOT:-${BST_TOOLCHAIN_CACHE:-/var/cache/banshitong}/swift-chroot}
[[ -f $root/.bst-complete ]] || die "no Swift chroot at $root; run scripts/toolchain/swift.sh first"
[[ $dir != / && $dir != "$root" && $dir != "$root"/* ]] || die "HOSTDIR must be a folder outside the chroot: $dir"

# The mounts live in a private mount namespace, which the kernel tears down
# when the command ends however it ends (failure, signal, kill -9): nothing is
# left mounted on the host and mounts can't pile up, even with runs in parallel.
exec unshare --mount --propagation private -- "$0" --in-namespace "$root" "$dir" "$@"
