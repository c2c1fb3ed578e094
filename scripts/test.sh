#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through CTest: first a
# normal build (warnings are errors), then an ASan+UBSan build of the same
# tests, then every fuzz target for a bounded time (scripts/fuzz.sh, 20 s per target here
# so the stage stays under ~5 minutes; QWEN_FUZZ_SECONDS changes it). Set QWEN_SKIP_SANITIZE=1
# to skip the second stage, QWEN_SKIP_FUZZ=1 the third. After the first stage, lintian checks the
# .deb packages cpack makes from that build (cmake/Packaging.cmake).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" -DQWEN_WERROR=ON -DQWEN_BUILD_TESTS=ON "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  (cd "$dir" && ctest --output-on-failure -j"$jobs" --timeout 300)
}

echo "== build and test (RelWithDebInfo)"
run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== lintian on the .deb packages (cpack -G DEB; an error fails, warnings are listed)"
rm -rf build/deb && (cd build && cpack -G DEB -B deb >/dev/null)
lintian --fail-on error --tag-display-limit 0 build/deb/*.deb
if [ "${QWEN_SKIP_SANITIZE:-0}" != "1" ]; then
  echo "== build and test with AddressSanitizer + UndefinedBehaviorSanitizer"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS=suppressions="$PWD/scripts/lsan.supp" \
    run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DQWEN_SANITIZE=ON
fi
if [ "${QWEN_SKIP_FUZZ:-0}" != "1" ]; then
  echo "== fuzz every parser for ${QWEN_FUZZ_SECONDS:-20} s each (libFuzzer, clang, ASan + UBSan)"
  QWEN_FUZZ_SECONDS=${QWEN_FUZZ_SECONDS:-20} bash scripts/fuzz.sh
fi
