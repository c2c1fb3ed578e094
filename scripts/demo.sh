#!/usr/bin/env bash
# Installs what is missing, builds qwen, and runs its main job against the
# project's local fake provider (no real provider is reachable here): a
# headless question with an OpenAI-compatible key, streamed to the terminal;
# then the Qwen OAuth device login (a stand-in browser approves it, as a user
# clicking "Allow" would), its status, and a question with that login.
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

echo
# A stand-in for the user's browser: opening the approval page approves the code.
printf '#!/bin/sh\nexec curl -s -o /dev/null "$1"\n' > "$demo_home/approve-in-browser"
chmod +x "$demo_home/approve-in-browser"
oauth_env=(HOME="$demo_home" QWEN_OAUTH_BASE_URL="http://127.0.0.1:$port" BROWSER="$demo_home/approve-in-browser")
echo "\$ qwen auth login --auth-type qwen-oauth      # OAuth server: the fake qwen.ai at 127.0.0.1:$port"
env "${oauth_env[@]}" build/bin/qwen auth login --auth-type qwen-oauth
echo
echo "\$ qwen auth status --auth-type qwen-oauth"
env "${oauth_env[@]}" build/bin/qwen auth status --auth-type qwen-oauth
echo
echo "\$ qwen -p 'Say hello again' --auth-type qwen-oauth"
env "${oauth_env[@]}" build/bin/qwen -p "Say hello again" --auth-type qwen-oauth
