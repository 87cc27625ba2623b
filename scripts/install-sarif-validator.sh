#!/usr/bin/env bash
# Installs two independent SARIF checkers into .venv/sarif, where tests/sarif_validates.rs and
# scripts/validate-sarif.py look for them: Microsoft's SARIF Multitool (npm, with GitHub code
# scanning's ingestion rules and the SARIF 2.1.0 JSON schema it bundles) and Python's jsonschema
# (which checks every keyword of that schema, enums included).
# Usage: scripts/install-sarif-validator.sh [DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-"$root/.venv/sarif"}
mkdir -p "$dir"
if [ ! -x "$dir/node_modules/.bin/sarif-multitool" ]; then
  (cd "$dir" && npm install --silent --no-audit --no-fund @microsoft/sarif-multitool@5.7.0 >/dev/null)
fi
if ! "$dir/py/bin/python" -c 'import jsonschema' 2>/dev/null; then
  python3 -m venv "$dir/py"
  "$dir/py/bin/pip" install --quiet --no-cache-dir --disable-pip-version-check 'jsonschema==4.*'
fi
"$dir/py/bin/python" -c 'import importlib.metadata as m; print("installed jsonschema", m.version("jsonschema"), end=", ")'
"$dir/node_modules/.bin/sarif-multitool" --version 2>&1 | head -n 1
