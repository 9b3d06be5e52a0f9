#!/usr/bin/env bash
# Ensures a Swift 6 toolchain for the Swift test suite on Linux and prints
# `export` lines for the caller to eval:
#     eval "$(scripts/toolchain/swift.sh)"
#     scripts/toolchain/swift-run.sh "$PWD" -- swift test
# Uses the host's swift if it is 6.x (SWIFT_MODE=host). Otherwise Debian 12
# has no Swift package, so we build a Debian 13 (trixie) chroot with its
# `swiftlang` package under $BST_TOOLCHAIN_CACHE (SWIFT_MODE=chroot) and run
# swift in it through swift-run.sh. Idempotent: a rerun only checks and prints.
# Progress goes to stderr, exports to stdout.
set -euo pipefail

CACHE="${BST_TOOLCHAIN_CACHE:-/var/cache/banshitong}"
SUITE=trixie                      # first Debian release that ships swiftlang (6.0.x)
ROOT="$CACHE/swift-chroot"
MARKER="$ROOT/.bst-complete"      # written last: its presence means the chroot is usable
PARTIAL="$ROOT.partial"           # built here, renamed to $ROOT only when complete

log() { echo "swift.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

if command -v swift >/dev/null && swift --version 2>/dev/null | grep -q 'Swift version 6\.'; then
  log "using the host's $(swift --version 2>/dev/null | grep -o 'Swift version [0-9.]*')"
  echo "export SWIFT_MODE=host"
  exit 0
fi
command -v swift >/dev/null && log "host swift is not 6.x; using a $SUITE chroot instead"

mkdir -p "$CACHE"
# One run at a time per cache; a second caller waits, then finds everything done.
exec 9>"$CACHE/swift.lock"
flock 9

# The Debian archive the host's apt already uses (the entry for the host's own
# release), so the chroot comes from the same, reachable mirror.
# BST_DEBIAN_MIRROR overrides.
host_mirror() {
  local rel files
  # shellcheck disable=SC1091
  rel=$(. /etc/os-release && echo "$VERSION_CODENAME")
  shopt -s nullglob
  files=(/etc/apt/sources.list.d/*.list)
  [[ -f /etc/apt/sources.list ]] && files=(/etc/apt/sources.list "${files[@]}")
  # one-line format: deb [options] URI SUITE COMPONENT...
  ((${#files[@]})) && awk -v rel="$rel" '$1 == "deb" { sub(/\[[^]]*\]/, ""); if ($3 == rel) { print $2; exit } }' "${files[@]}"
  files=(/etc/apt/sources.list.d/*.sources)
  # deb822 format: blank-line separated paragraphs of "Key: value" lines
  ((${#files[@]})) && awk -v rel="$rel" 'BEGIN { RS = "" } {
      types = uris = suites = ""; enabled = "yes"; n = split($0, line, "\n")
      for (i = 1; i <= n; i++) {
        if (line[i] ~ /^Types:/)   types   = " " substr(line[i], 7) " "
        if (line[i] ~ /^URIs:/)    uris    = substr(line[i], 6)
        if (line[i] ~ /^Suites:/)  suites  = " " substr(line[i], 8) " "
        if (line[i] ~ /^Enabled:/) enabled = line[i]
      }
      gsub(/[ \t]+/, " ", types); gsub(/[ \t]+/, " ", suites)
      if (enabled !~ /no/ && types ~ / deb / && index(suites, " " rel " ")) { split(uris, u, " "); print u[1]; exit }
    }' "${files[@]}"
  return 0
}

# Deletes a chroot tree left by an interrupted run. Anything still mounted in
# it is unmounted first, and rm stays on this filesystem, so a leftover mount
# can never make us delete host files through the chroot.
remove_tree() {
  [[ -e $1 ]] || return 0
  awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
  rm -rf --one-file-system "$1"
}

if [[ ! -f $MARKER ]]; then
  log "building a Debian $SUITE chroot with swiftlang in $ROOT (one-off, a few minutes)"
  if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap"
    # The shared apt lock keeps kotlin.sh and swift.sh from racing for dpkg.
    flock "$CACHE/apt.lock" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap' >&2 \
      || die "apt-get install debootstrap failed"
  fi
  mirror=${BST_DEBIAN_MIRROR:-$(host_mirror | head -n1)}
  [[ -n $mirror ]] || die "no Debian mirror found in /etc/apt/sources.list*; set BST_DEBIAN_MIRROR"
  log "mirror: $mirror"

  remove_tree "$PARTIAL"
  # Everything that mounts (debootstrap mounts /proc and /sys in the target,
  # we mount /proc for apt) runs in a private mount namespace: the kernel drops
  # those mounts when it ends, even if this script is killed.
  unshare --mount --propagation private -- \
    debootstrap --variant=minbase "$SUITE" "$PARTIAL" "$mirror" >&2 || die "debootstrap $SUITE failed"
  # shellcheck disable=SC2016  # $1 is expanded by the inner sh
  unshare --mount --propagation private -- sh -ec '
      mount -t proc proc "$1/proc"
      chroot "$1" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -c "
        apt-get update -qq &&
        apt-get install -y -qq --no-install-recommends swiftlang libc6-dev ca-certificates &&
        apt-get clean"
      chroot "$1" /usr/libexec/swift/bin/swift --version | grep "Swift version 6\."' sh "$PARTIAL" >&2 \
    || die "installing swiftlang in the chroot failed"
  touch "$PARTIAL/.bst-complete"
  remove_tree "$ROOT"
  mv "$PARTIAL" "$ROOT"
fi

# Cheap check on every run that the cached chroot still holds Swift 6.
version=$(dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f='${Version}' swiftlang 2>/dev/null) || version=
[[ $version == 6.* && -x $ROOT/usr/libexec/swift/bin/swift ]] \
  || die "$ROOT holds no Swift 6 (swiftlang '$version'); delete it and rerun"
log "ready: swiftlang $version in $ROOT"
echo "export SWIFT_MODE=chroot"
printf 'export SWIFT_CHROOT=%q\n' "$ROOT"
