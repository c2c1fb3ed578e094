#!/usr/bin/env bash
# Installs what is missing, builds qwen, and runs its main job against the
# project's local fake provider (no real provider is reachable here): a
# headless question with an OpenAI-compatible key, streamed to the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQWEN_BUILD_TESTS=ON >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target qwen qwen_default_plugins qwen-fake-provider

demo_home=$(mktemp -d)
port_file="$demo_home/port"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$demo_home"' EXIT
build/bin/qwen-fake-provider --port 0 --port-file "$port_file" --api-key sk-demo-key-123456 --idle-exit 60 >/dev/null &
server=$!
for _ in $(seq 1 100); do [ -s "$port_file" ] && break; sleep 0.05; done
port=$(cat "$port_file")

echo "\$ qwen plugins"
HOME="$demo_home" build/bin/qwen plugins
echo
echo "\$ OPENAI_API_KEY=sk-demo… OPENAI_BASE_URL=http://127.0.0.1:$port/v1 qwen -p 'Say hello'"
HOME="$demo_home" OPENAI_API_KEY=sk-demo-key-123456 OPENAI_BASE_URL="http://127.0.0.1:$port/v1" \
  OPENAI_MODEL=fake-model build/bin/qwen -p "Say hello"
