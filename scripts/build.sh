#!/usr/bin/env bash
# Configures and builds into build/ (Release). Extra arguments go to CMake.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
launcher=()
# ccache, when installed, makes rebuilds of other checkouts of the same sources cheap
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$top" -B "$top/build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" "$@" > /dev/null
ninja -C "$top/build"
