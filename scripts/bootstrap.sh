#!/usr/bin/env bash
# Install the locked environment into .venv and build the browser assets: Python 3.11 and pip
# are all a machine needs (Node.js and npm are installed from Debian when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .tools/bin/uv ]; then
  "$PYTHON" -m venv .tools
  .tools/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"
fi
.tools/bin/uv sync --frozen --quiet --python "$PYTHON"
# GraphiQL and React from the npm registry, so Prism's pages need no CDN.
bash scripts/build-assets.sh
