#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, analytical, regression, bad input).
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$top"
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j 2
