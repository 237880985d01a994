#!/usr/bin/env bash
# One command on a fresh Debian machine: install the packages, build, and run the shipped real cases.
#   ./setup.sh              -> every case under data/cases (Leshan first): out/<case>/ and out/<case>/report/
#   ./setup.sh leshan ledu  -> only the cases named
# Each run is recorded in qingliu-runs.sqlite; the report is reread from there.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$top"
scripts/install-deps.sh
scripts/build.sh
echo "[setup] built build/app/qingliu"
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  cases=(leshan)
  for d in data/cases/*/; do
    c="$(basename "$d")"
    [ "$c" = leshan ] || cases+=("$c")
  done
fi
for c in "${cases[@]}"; do
  echo "[setup] case $c"
  # steady state at design flow, baseline and every scenario of the case
  build/app/qingliu run "data/cases/$c" --out "out/$c"
  # the report of that run, reread from the run store: report.html, network.gpkg (QGIS), CSV tables
  build/app/qingliu report latest --out "out/$c/report"
done
echo "[setup] what-if in the browser (this machine only; Ctrl-C stops):"
echo "        build/app/qingliu serve data/cases/${cases[0]}     then open http://127.0.0.1:8080/"
