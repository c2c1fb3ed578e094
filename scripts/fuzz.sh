#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan) in build-fuzz, then runs each one
# for a bounded time on a scratch copy of its seed corpus (fuzz/corpus/<name>/; the repository is not
# modified). Exits non-zero when any target crashed, hung, ran out of memory or broke one of its
# checks, and prints the input that did it (kept in build-fuzz/fuzz-artifacts/).
#
#   QWEN_FUZZ_SECONDS=30            time per target (libFuzzer -max_total_time)
#   QWEN_FUZZ_TARGETS="dotenv ..."  only these targets (default: every fuzz/*_fuzzer.cpp)
#   QWEN_FUZZ_BUILD_DIR=build-fuzz  where to build
#
# Reproduce a failure:  build-fuzz/fuzz/<name>_fuzzer <input file>
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${QWEN_FUZZ_SECONDS:-30}
build=${QWEN_FUZZ_BUILD_DIR:-build-fuzz}
jobs=$(nproc 2>/dev/null || echo 2)

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ is missing (Debian: clang libclang-rt-14-dev; scripts/setup-deps.sh installs them)" >&2
  exit 1
fi

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# -O1 -g without NDEBUG: the libraries' own assertions stay on.
CC=clang CXX=clang++ cmake -S . -B "$build" -DQWEN_FUZZ=ON -DQWEN_BUILD_TESTS=OFF -DQWEN_WERROR=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" "${launcher[@]}" >/dev/null
cmake --build "$build" --target qwen_fuzzers -j"$jobs"

if [ -n "${QWEN_FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$QWEN_FUZZ_TARGETS"
else
  targets=()
  for f in fuzz/*_fuzzer.cpp; do
    n=$(basename "$f" .cpp)
    targets+=("${n%_fuzzer}")
  done
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/qwen-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
artifacts="$root/$build/fuzz-artifacts"
mkdir -p "$artifacts"

failed=()
for t in "${targets[@]}"; do
  bin="$build/fuzz/${t}_fuzzer"
  if [ ! -x "$bin" ]; then
    echo "== fuzz $t: not built (its library is not in this tree); skipped"
    continue
  fi
  corpus="$scratch/corpus/$t"
  mkdir -p "$corpus"
  if [ -d "fuzz/corpus/$t" ]; then cp -R "fuzz/corpus/$t/." "$corpus/"; fi
  log="$scratch/$t.log"
  echo "== fuzz $t for ${seconds} s"
  rc=0
  # One process at a time (the machine is shared); the outer timeout only guards a stuck exit.
  timeout $((seconds + 120)) "$bin" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/$t-" -print_final_stats=1 >"$log" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -n 1 || true)
  if [ "$rc" -ne 0 ]; then
    failed+=("$t")
    echo "!! $t FAILED (exit status $rc):"
    grep -E 'property violated|ERROR: |runtime error|SUMMARY|^    #[0-9] ' "$log" | head -n 30 | sed 's/^/   /' || true
    echo "   ... the end of its log:"
    tail -n 12 "$log" | sed 's/^/   /'
    input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    if [ -n "$input" ]; then
      echo "!! crash input: $input"
      echo "!! reproduce:   $bin $input"
    fi
  else
    echo "   ok: ${runs:-?} inputs, ${cov:-cov: ?} edges"
  fi
done

if [ "${#failed[@]}" -ne 0 ]; then
  echo "fuzz.sh: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: every target ran ${seconds} s without a failure"
