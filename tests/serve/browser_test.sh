#!/usr/bin/env bash
# Real-browser test of `qingliu serve` in headless Chromium (driven over --remote-debugging-pipe by
# browser_test.mjs, Node.js only, nothing downloaded). Skips (exit 77) when Chromium or Node.js is absent.
#   browser_test.sh QINGLIU_BINARY SOURCE_DIR WORK_DIR
set -euo pipefail
browser=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" > /dev/null 2>&1; then browser="$(command -v "$c")"; break; fi
done
if [ -z "$browser" ]; then echo "SKIPPED: chromium is not installed (scripts/install-deps.sh installs it); the page was not checked in a browser"; exit 77; fi
if ! command -v node > /dev/null 2>&1; then echo "SKIPPED: node is not installed (scripts/install-deps.sh installs nodejs); the page was not checked in a browser"; exit 77; fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rm -rf "$3"
mkdir -p "$3"
exec node "$here/browser_test.mjs" "$1" "$2" "$3" "$browser"
