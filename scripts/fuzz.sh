#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (address + undefined sanitizers) and runs each for a bounded time.
#   scripts/fuzz.sh [seconds per target, default 60] [target ...]
# Crashing inputs are written to fuzz/findings/<target>/; once fixed, copy them to fuzz/regressions/<target>/,
# where the test suite replays them on every run.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(csv_text table_csv case_tables case_file scenario_file inventory_tables series_tables observation_tables)
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CC=clang CXX=clang++ cmake -S "$top" -B "$top/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
  -DQINGLIU_FUZZ=ON -DQINGLIU_SANITIZE=ON -DQINGLIU_TESTS=OFF "${launcher[@]}" > /dev/null
ninja -C "$top/build-fuzz" $(printf 'fuzz/fuzz_%s ' "${targets[@]}")
status=0
for t in "${targets[@]}"; do
  work="$top/build-fuzz/corpus/$t"
  findings="$top/fuzz/findings/$t"
  mkdir -p "$work" "$findings" "$top/fuzz/corpus/$t"
  regress=()
  [ -d "$top/fuzz/regressions/$t" ] && regress=("$top/fuzz/regressions/$t")
  echo "[fuzz] $t for ${secs}s"
  # detect_leaks=0: GDAL keeps driver registries alive for the process lifetime by design
  if ! ASAN_OPTIONS=detect_leaks=0 "$top/build-fuzz/fuzz/fuzz_$t" -max_total_time="$secs" -max_len=4096 -timeout=10 \
      -artifact_prefix="$findings/" "$work" "$top/fuzz/corpus/$t" "${regress[@]}" 2> "$top/build-fuzz/fuzz_$t.log"; then
    echo "[fuzz] $t: crash, see $top/build-fuzz/fuzz_$t.log and $findings"
    status=1
  else
    tail -n 1 "$top/build-fuzz/fuzz_$t.log"
  fi
done
exit $status
