#!/usr/bin/env bash
# Installs the official clients the test bed in clients/ drives — chromadb 0.6.3 (which brings the
# real Chroma 0.6.3 server too), weaviate-client 3.26.7 and crate — into a virtual environment at
# .venv/clients, and weaviate-client 4.24.1 (the one with the RBAC role API; it has no v3 client)
# into .venv/weaviate-v4, where tests/clients_*.rs look for them.
# Usage: scripts/install-clients.sh [VENV_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${1:-"$root/.venv/clients"}
python=${PYTHON:-python3}
wanted='chromadb==0.6.3 weaviate-client==3.26.7 crate==2.3.0'
v4=${WEAVIATE_V4_VENV:-"$root/.venv/weaviate-v4"}
if [ -x "$v4/bin/python" ] && "$v4/bin/python" -c 'import sys, weaviate; sys.exit(weaviate.__version__ != "4.24.1")' 2>/dev/null; then
  echo "weaviate-client 4.24.1 is already installed in $v4"
else
  "$python" -m venv "$v4"
  "$v4/bin/pip" install --quiet --no-cache-dir --disable-pip-version-check "weaviate-client==4.24.1"
  "$v4/bin/python" -c 'import weaviate; print("installed weaviate-client", weaviate.__version__, "in", __import__("sys").prefix)'
fi
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
