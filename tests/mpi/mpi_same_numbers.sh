#!/bin/sh
# `qingliu run --monte-carlo` under mpirun -n 2 writes exactly the files of one process with the same seed (the draws
# are indexed by draw number, not by rank), stores one run, and its report holds the probability table.
#   mpi_same_numbers.sh QINGLIU MPIEXEC CASE WORKDIR
set -eu
ql=$1 mpiexec=$2 case_dir=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
as_root=""
[ "$(id -u)" = 0 ] && as_root="--allow-run-as-root"
# 121 draws x (1 + 3 scenarios) = 484 runs: the two ranks take 242 each, across a scenario boundary
"$ql" -q --store "$work/one.sqlite" run "$case_dir" --monte-carlo 121 --seed 9 --out "$work/one"
# Open MPI's own start-up allocations (libmpi and its dlopened components) are never freed: in a sanitized build
# the leak check is off for the MPI processes only; the one-process run above keeps it.
mpi_asan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
ASAN_OPTIONS="$mpi_asan" "$mpiexec" $as_root --oversubscribe --bind-to none -x ASAN_OPTIONS -n 2 \
    "$ql" -q --store "$work/two.sqlite" run "$case_dir" --monte-carlo 121 --seed 9 --out "$work/two"
status=0
for f in montecarlo.csv montecarlo_parameters.csv sections.csv reaches.csv; do
    if cmp -s "$work/one/$f" "$work/two/$f"; then echo "same $f"; else echo "DIFFERENT $f"; status=1; fi
done
rows=$(grep -c . "$work/two/montecarlo.csv")
[ "$rows" -eq 13 ] || { echo "montecarlo.csv: $rows lines, expected 1 + 4 models x 3 sections"; status=1; }
"$ql" -q --store "$work/two.sqlite" report latest --out "$work/report"
grep -q 'id="montecarlo"' "$work/report/report.html" || { echo "report without the Monte Carlo table"; status=1; }
cmp -s "$work/one/montecarlo.csv" "$work/report/montecarlo.csv" || { echo "report's montecarlo.csv differs"; status=1; }
runs=$("$ql" --store "$work/two.sqlite" runs | grep -c "run --monte-carlo" || true)
[ "$runs" -eq 1 ] || { echo "the MPI run stored $runs runs, expected 1"; status=1; }
exit $status
