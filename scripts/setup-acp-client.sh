#!/usr/bin/env bash
# Installs the ACP conformance test's client (tests/acp: @agentclientprotocol/sdk and ajv, the versions
# pinned in package-lock.json) into tests/acp/node_modules, which git ignores. Run by CTest as the
# setup of the conformance test, never at build time. Skips the install when node_modules already
# holds this package-lock.json's packages. Fails loudly when node or npm is missing or the registry
# cannot be reached: the conformance test then does not run, and CTest reports both as failed.
set -euo pipefail
cd "$(dirname "$0")/../tests/acp"
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "setup-acp-client: $tool is not installed (Node 20 is needed)" >&2; exit 1; }
done
stamp=node_modules/.qwen-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
if ! npm ci --no-audit --no-fund --loglevel=error; then
  echo "setup-acp-client: npm ci failed (is the npm registry reachable?); the ACP conformance test cannot run" >&2
  exit 1
fi
echo "$want" > "$stamp"
