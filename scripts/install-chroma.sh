#!/usr/bin/env bash
# Installs the real Chroma 0.6.3 server (the newest with built-in Basic and token auth) into a
# virtual environment at .venv/chroma, where targets/chroma-0.6.yaml looks for it.
# Usage: scripts/install-chroma.sh [VENV_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${1:-"$root/.venv/chroma"}
python=${PYTHON:-python3}
if [ -x "$venv/bin/chroma" ] && "$venv/bin/python" -c 'import chromadb, sys; sys.exit(chromadb.__version__ != "0.6.3")' 2>/dev/null; then
  echo "chromadb 0.6.3 already installed in $venv"
  exit 0
fi
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --no-cache-dir --disable-pip-version-check "chromadb==0.6.3"
"$venv/bin/python" -c 'import chromadb; print("installed chromadb", chromadb.__version__, "in", __import__("sys").prefix)'
