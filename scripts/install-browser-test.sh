#!/usr/bin/env bash
# Installs playwright-core (npm) into .venv/browser, where scripts/html-clicks.mjs and
# tests/html_in_browser.rs find it; it drives the system's Chromium (Debian package `chromium`),
# it downloads no browser of its own.
# Usage: scripts/install-browser-test.sh [DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-"$root/.venv/browser"}
mkdir -p "$dir"
if [ ! -f "$dir/node_modules/playwright-core/package.json" ]; then
  (cd "$dir" && npm install --silent --no-audit --no-fund playwright-core@1.65.1 >/dev/null)
fi
node -e 'console.log("installed playwright-core", require(process.argv[1] + "/node_modules/playwright-core/package.json").version)' "$dir"
