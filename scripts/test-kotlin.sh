#!/usr/bin/env bash
# The Kotlin suite: generates the bindings (with test support), compiles them
# with the Android library's platform-neutral sources and the JUnit 4 tests
# in tests/kotlin, runs them on the JVM against the host library, then prints
# the FFI cost figures and one plain summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

library=$(scripts/generate-bindings.sh --testing | tail -n 1)
eval "$(scripts/toolchain/kotlin.sh)"

build=tests/kotlin/build
rm -rf "$build" && mkdir -p "$build/classes"
sources=$(find android/banshitong/src/main/java android/banshitong/src/main/kotlin tests/kotlin/src -name '*.kt')
# shellcheck disable=SC2086 # one word per source file
"$KOTLINC" -nowarn -jvm-target 17 -cp "$KOTLIN_CLASSPATH" -d "$build/classes" $sources

classes=$(cd tests/kotlin/src && find . -name '*Test.kt' | sed 's|^\./||; s|\.kt$||; s|/|.|g' | sort)
run_java() {
    java -Djna.library.path="$(dirname "$library")" -cp "$KOTLIN_CLASSPATH:$build/classes" "$@"
}
set +e
# shellcheck disable=SC2086 # one word per test class
run_java org.junit.runner.JUnitCore $classes | tee "$build/junit.log"
status=${PIPESTATUS[0]}
set -e
run_java cn.gov.yn.banshitong.tests.FfiBench 100000 || status=1

# JUnit 4 ends with "OK (N tests)" or "Tests run: N,  Failures: M".
total=$(grep -oE 'OK \([0-9]+ tests?\)|Tests run: [0-9]+' "$build/junit.log" | grep -oE '[0-9]+' | tail -n 1 || true)
failures=$(grep -oE 'Failures: [0-9]+' "$build/junit.log" | grep -oE '[0-9]+' | tail -n 1 || true)
total=${total:-0}
failures=${failures:-0}
echo "kotlin: $((total - failures)) passed, $failures failed"
[ "$total" -gt 0 ] || status=1
exit "$status"
