#!/usr/bin/env bash
# Installs the Debian bookworm packages qwen-cpp builds and tests with.
# Idempotent: does nothing when everything is present. Runs as root with no prompt.
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  libboost-dev libboost-filesystem-dev
  libcurl4-openssl-dev libssl-dev
  nlohmann-json3-dev libtomlplusplus-dev catch2 libcli11-dev
  libqrencode-dev libedit-dev libmd4c-dev libsource-highlight-dev
  tmux util-linux openssl curl
  libbenchmark-dev python3 libsimdjson-dev
  clang libclang-rt-14-dev
  libsecret-1-dev gnome-keyring libsecret-tools dbus
  help2man dpkg-dev lintian zsh fish
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq </dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
