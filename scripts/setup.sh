#!/usr/bin/env bash
# Installs what motcua needs to build and test on Debian 12, only what is missing.
# Run as root (CI, containers) or with sudo available.
set -euo pipefail

pkgs=(
  build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
  libevent-dev libjansson-dev libsqlite3-dev sqlite3 libsodium-dev
  libutf8proc-dev libssl-dev libcmocka-dev libcurl4-openssl-dev
  zlib1g-dev libcairo2-dev libpango1.0-dev libqrencode-dev libxlsxwriter-dev fonts-dejavu-core fonts-liberation2 poppler-utils
  # signatures: qpdf checks signed files, certutil makes pdfsig's NSS database of test anchors
  qpdf libnss3-tools
  # signing keys on PKCS#11 tokens (libp11), and SoftHSM2 with pkcs11-tool to test them
  libp11-dev softhsm2 opensc
  # edXML exchange: libxml2, libxmlsec1 (OpenSSL), and xmlsec1 that judges our XML signatures in tests
  libxml2-dev libxmlsec1-dev libxmlsec1-openssl xmlsec1
  # workbooks read back (the reform index's imports): the zip reader libxlsxwriter writes with
  libminizip-dev
  nodejs npm curl chromium python3-yaml
  postgresql libpq-dev
  # the package and its test (dpkg-shlibdeps, systemd-analyze, strace), the version stamp and the skew test
  git dpkg-dev systemd strace
  # the apology timing test moves the server's clock (tests/api/apology_timing.test.mjs)
  faketime
)

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing+=("$p")
  fi
done

# nodejs and npm may come from elsewhere than Debian (a machine image with its
# own node); working `node` and `npm` on PATH are enough.
filtered=()
for p in "${missing[@]}"; do
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  filtered+=("$p")
done
missing=("${filtered[@]}")

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Browser tests drive Debian's Chromium with playwright-core (no browser download).
# Again when package-lock.json is not the one installed from (its checksum is
# kept beside the packages), so that a pull that adds a test package
# (oidc-provider) brings it.
lock_sum=$(sha256sum package-lock.json 2>/dev/null | cut -d' ' -f1)
if [ -f package-lock.json ] && { [ ! -d node_modules/playwright-core ] ||
  [ "$(cat node_modules/.motcua-lock 2>/dev/null)" != "$lock_sum" ]; }; then
  echo "setup: installing the test tooling from package-lock.json"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent
  echo "$lock_sum" >node_modules/.motcua-lock
fi
