#!/usr/bin/env bash
# The long, offline run of the libFuzzer targets (tests/fuzz/): each for a
# given time or number of executions, then the new interesting inputs merged
# into a scratch corpus that the next run starts from, and the executions per
# target and in total printed. `make check` runs the same targets for a few
# seconds each (ctest -L fuzz).
#
#   scripts/fuzz-long.sh [options] (--seconds N | --runs N) [TARGET...]
#     --seconds N   fuzz each target for N seconds
#     --runs N      fuzz each target for N executions
#     --build DIR   the build tree (default: build)
#     --scratch DIR the scratch corpora and crash inputs (default:
#                   DIR/fuzz-long), one directory per target
#     --jobs N      targets run at once (default: the number of cores)
#     TARGET...     descriptor, exchange, ... (default: every fuzz_* built)
#
# Build the targets first: cmake --build build --target fuzz_descriptor ...
# The checked-in seeds (tests/fuzz/TARGET/corpus) are only read. A target
# that crashes, leaks, hangs (10 s) or grows past 2 GB stops; its input is
# left in SCRATCH/TARGET/artifacts/ and the script exits 1. Add such an input
# to the seeds once the bug is fixed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=build
scratch=
jobs=$(nproc)
limit=
targets=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) limit="-max_total_time=$2"; shift 2 ;;
    --runs) limit="-runs=$2"; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --scratch) scratch=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    -*) echo "fuzz-long.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [[ -z $limit ]]; then
  echo "fuzz-long.sh: say how long: --seconds N or --runs N" >&2
  exit 2
fi
scratch=${scratch:-$build/fuzz-long}
if [[ ${#targets[@]} -eq 0 ]]; then
  for binary in "$build"/bin/fuzz_*; do
    [[ -x $binary ]] && targets+=("${binary##*/fuzz_}")
  done
fi
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "fuzz-long.sh: no fuzz_* binaries in $build/bin" >&2
  exit 2
fi

# One target: fuzz into a fresh directory, then merge what is new into the
# scratch corpus. Writes its log to SCRATCH/TARGET/log.
run_one() {
  local name=$1 dir=$scratch/$1
  local binary=$build/bin/fuzz_$name seeds=$repo/tests/fuzz/$name/corpus
  mkdir -p "$dir/corpus" "$dir/artifacts"
  rm -rf "$dir/new" && mkdir "$dir/new"
  local status=0
  "$binary" $limit -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" "$dir/new" "$dir/corpus" "$seeds" \
    > "$dir/log" 2>&1 || status=$?
  "$binary" -merge=1 "$dir/corpus" "$dir/new" > "$dir/merge.log" 2>&1 || true
  rm -rf "$dir/new"
  echo "$status" > "$dir/status"
}

echo "fuzzing ${targets[*]} ($limit, $jobs at once) in $scratch"
for name in "${targets[@]}"; do
  if [[ ! -x $build/bin/fuzz_$name ]]; then
    echo "fuzz-long.sh: $build/bin/fuzz_$name is not built" >&2
    exit 2
  fi
  while [[ $(jobs -rp | wc -l) -ge $jobs ]]; do wait -n || true; done
  run_one "$name" &
done
wait

total=0
failed=0
printf '%-12s %14s %10s %10s  %s\n' target executions exec/s corpus result
for name in "${targets[@]}"; do
  dir=$scratch/$name
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -1)
  if [[ -z $runs ]]; then  # stopped before its final stats: its last status line
    runs=$(grep -o '^#[0-9]*' "$dir/log" | tail -1 | tr -d '#')
  fi
  corpus=$(find "$dir/corpus" -type f | wc -l)
  result=ok
  if [[ $(cat "$dir/status") != 0 ]]; then
    result="FAILED: $(grep -m1 -E 'ERROR|SUMMARY|Assertion' "$dir/log" || echo "exit $(cat "$dir/status")")"
    result+=" (inputs in $dir/artifacts)"
    failed=1
  fi
  printf '%-12s %14s %10s %10s  %s\n' "$name" "${runs:-0}" "${rate:-?}" "$corpus" "$result"
  total=$((total + ${runs:-0}))
done
printf '%-12s %14s\n' total "$total"
exit $failed
