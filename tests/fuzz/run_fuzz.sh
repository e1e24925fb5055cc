#!/bin/sh
# run_fuzz.sh FUZZER SEEDS WORK [libFuzzer flags...]
#
# One bounded fuzzing run, as ctest does it (cmake/ParigotFuzz.cmake): the
# checked-in SEEDS are only read (libFuzzer writes new inputs to the first
# corpus directory it is given, a scratch one under WORK, emptied first), and
# crashes, leaks, timeouts and OOMs are written to WORK/artifacts/. Exits
# non-zero on any of them.
set -eu
fuzzer=$1 seeds=$2 work=$3
shift 3
rm -rf "$work"
mkdir -p "$work/new" "$work/artifacts"
exec "$fuzzer" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@" "$work/new" "$seeds"
