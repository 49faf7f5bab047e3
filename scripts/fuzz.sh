#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) and runs
# each for FUZZ_SECONDS (default 10) from its seed corpus. A crash stops the
# run and leaves the input in build-fuzz/crashes/: add it to the seed corpus
# and fix the bug, so it stays a regression test. Longer runs:
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-10}
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DMC_FUZZ=ON -DMC_WERROR=ON >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target fuzz_code fuzz_text fuzz_calendar fuzz_parsers fuzz_edxml fuzz_xlsx_read fuzz_docfile 2>&1 | grep -E "error|warning" || true
mkdir -p build-fuzz/crashes
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for target in fuzz_code fuzz_text fuzz_calendar fuzz_parsers fuzz_edxml fuzz_xlsx_read fuzz_docfile; do
  corpus=$(mktemp -d)
  cp tests/fuzz/corpus/$target/* "$corpus"/
  echo "fuzz: $target for ${seconds}s"
  ./build-fuzz/$target "$corpus" -max_total_time="$seconds" -timeout=10 -max_len=4096 \
    -artifact_prefix=build-fuzz/crashes/$target- -print_final_stats=1 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' || true
  status=${PIPESTATUS[0]}
  rm -rf "$corpus"
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $target found a failure; the input is in build-fuzz/crashes/"
    exit 1
  fi
done
