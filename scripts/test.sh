#!/usr/bin/env bash
# Runs every test suite of the project and prints one summary line per suite.
# Exits non-zero when any suite fails. Toolchains the suites need (Kotlin,
# Swift) are installed on first use and cached outside the clone.
set -uo pipefail
cd "$(dirname "$0")/.."

# Every tool below writes to /dev/null; if it has become a regular file
# (seen once on a shared machine), cargo's compiler probe fails in a way
# that looks like every suite breaking. Say so plainly instead.
if [ ! -c /dev/null ]; then
    echo "error: /dev/null is not a character device; restore it (mknod -m 666 /dev/null c 1 3) and run again" >&2
    exit 1
fi

declare -a summary=()
failed=0

run_suite() {
    local name=$1
    shift
    local started=$SECONDS
    echo "==> $name" >&2
    if "$@"; then
        summary+=("$name: passed in $((SECONDS - started)) s")
    else
        summary+=("$name: FAILED after $((SECONDS - started)) s")
        failed=1
    fi
}

rust_suite() {
    # The tus interop tests need the independent implementations (npm).
    BST_TUS_INTEROP_DIR="$(bash scripts/toolchain/tus-interop.sh)" || return 1
    export BST_TUS_INTEROP_DIR
    BST_COSE_INTEROP_PYTHON="$(bash scripts/toolchain/cose-interop.sh)" || return 1 && export BST_COSE_INTEROP_PYTHON
    # An independent QR reader for the core's rendered codes (zbar-tools).
    BST_ZBARIMG="$(bash scripts/toolchain/zbar.sh)" || return 1 && export BST_ZBARIMG
    cargo fmt --all --check &&
        cargo clippy --workspace --all-targets --locked -- -D warnings &&
        cargo clippy -p banshitong-ffi --features testing --all-targets --locked -- -D warnings &&
        cargo test --workspace --locked
}

run_suite "rust" rust_suite
run_suite "kotlin" bash scripts/test-kotlin.sh
run_suite "swift" bash scripts/test-swift.sh

echo
echo "== summary =="
printf '%s\n' "${summary[@]}"
exit $failed
