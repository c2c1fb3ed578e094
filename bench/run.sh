#!/usr/bin/env bash
# Builds qwen in Release with the benchmarks, starts the fake provider, and
# prints one table of medians, each next to a reference measured in the same run.
#   bash bench/run.sh [runs]      (default 21 runs per figure)
# With npm on the PATH it installs Qwen Code (@qwen-code/qwen-code) into bench/.node
# (ignored by git) once, for its rows; QWEN_BENCH_NO_NODE=1 skips them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DQWEN_BUILD_TESTS=ON -DQWEN_BUILD_BENCH=ON >/dev/null
cmake --build build-bench -j"$(nproc 2>/dev/null || echo 2)" \
  --target qwen qwen_default_plugins qwen-fake-provider qwen_stream_bench qwen_markdown_bench qwen_test_fixture_plugins >/dev/null
if [ -z "${QWEN_BENCH_NO_NODE:-}" ] && command -v node >/dev/null && command -v npm >/dev/null &&
  [ ! -e bench/.node/node_modules/.bin/qwen ]; then
  npm install --prefix bench/.node @qwen-code/qwen-code --no-audit --no-fund --loglevel=error >&2 ||
    echo "bench: could not install Qwen Code; its rows are left out" >&2
fi
exec python3 bench/measure.py build-bench "${1:-21}"
