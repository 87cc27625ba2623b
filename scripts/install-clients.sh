#!/usr/bin/env bash
# Installs the official clients the test bed in clients/ drives — chromadb 0.6.3 (which brings the
# real Chroma 0.6.3 server too), weaviate-client and crate — into a virtual environment at
# .venv/clients, where tests/clients_*.rs look for it.
# Usage: scripts/install-clients.sh [VENV_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${1:-"$root/.venv/clients"}
python=${PYTHON:-python3}
wanted='chromadb==0.6.3 weaviate-client==3.26.7 crate==2.3.0'
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c '
import sys, chromadb, weaviate, crate.client
sys.exit(chromadb.__version__ != "0.6.3")' 2>/dev/null; then
  echo "the clients are already installed in $venv"
  exit 0
fi
"$python" -m venv "$venv"
# shellcheck disable=SC2086 # the list is word-split on purpose
"$venv/bin/pip" install --quiet --no-cache-dir --disable-pip-version-check $wanted
"$venv/bin/python" -c 'import chromadb, weaviate, crate.client; print("installed chromadb", chromadb.__version__, "weaviate-client", weaviate.__version__, "crate", crate.client.__version__)'
