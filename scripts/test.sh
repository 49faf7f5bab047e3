#!/usr/bin/env bash
# Runs every motcua test: unit tests (normal and ASan+UBSan builds), the API
# tests against the real server, then the browser tests (Debian's Chromium driven
# by playwright-core against the real server), the Debian package, short fuzz
# runs and the PostgreSQL half. Called by `make test` after the builds.
set -euo pipefail
cd "$(dirname "$0")/.."

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# fontconfig's caches outlive the process (see tests/lsan.supp).
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"

echo "== the C files as .clang-format lays them out (make format)"
mapfile -t c_files < <(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c')
if ! clang-format --dry-run --Werror "${c_files[@]}"; then
  echo "test: run make format and commit the result" >&2
  exit 1
fi

echo "== each SQL statement of the store written once"
node scripts/sql_once.mjs src/store

echo "== unit tests"
(cd build && ctest --output-on-failure -j "$(nproc)")

echo "== unit tests under ASan+UBSan"
(cd build-asan && ctest --output-on-failure -j "$(nproc)")

echo "== API tests (real server, SQLite)"
MOTCUA_BIN="$PWD/build/motcua" node --test --test-concurrency=1 tests/api/

echo "== API tests under ASan+UBSan"
MOTCUA_BIN="$PWD/build-asan/motcua" node --test --test-concurrency=1 tests/api/

echo "== browser tests (Chromium)"
MOTCUA_BIN="$PWD/build/motcua" node --test --test-concurrency=1 tests/browser/

echo "== the Debian package (make deb: contents, unpacked binary and web files, systemd unit)"
timeout 300 bash tests/package/test_deb.sh build

echo "== fuzz smoke runs (libFuzzer, ${FUZZ_SECONDS:-10}s a target)"
FUZZ_SECONDS="${FUZZ_SECONDS:-10}" bash scripts/fuzz.sh

echo "== store contract and API tests on PostgreSQL"
bash scripts/pg.sh bash scripts/test_pg.sh
