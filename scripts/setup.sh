#!/usr/bin/env bash
# Installs what motcua needs to build and test on Debian 12, only what is missing.
# Run as root (CI, containers) or with sudo available.
set -euo pipefail

pkgs=(
  build-essential cmake pkg-config
  libevent-dev libjansson-dev libsqlite3-dev sqlite3 libsodium-dev
  libutf8proc-dev libssl-dev libcmocka-dev
  nodejs curl
)

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing+=("$p")
  fi
done

# nodejs may come from elsewhere than Debian (a machine image with its own node);
# a working `node` on PATH is enough.
if command -v node >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do [ "$p" = nodejs ] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
