#!/usr/bin/env bash
# One command on a fresh Debian machine: install the packages, build, and run the shipped Leshan case.
#   ./setup.sh            -> results in out/leshan/, run recorded in qingliu-runs.sqlite
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$top"
scripts/install-deps.sh
scripts/build.sh
echo "[setup] built build/app/qingliu"
build/app/qingliu run data/cases/leshan --out out/leshan
# the report of that run, reread from the run store: report.html, network.gpkg (QGIS), CSV tables
build/app/qingliu report latest --out out/leshan/report
