#!/usr/bin/env bash
# Install the locked environment into .venv: Python 3.11 and pip are all a machine needs.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .tools/bin/uv ]; then
  "$PYTHON" -m venv .tools
  .tools/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"
fi
.tools/bin/uv sync --frozen --quiet --python "$PYTHON"
