#!/usr/bin/env bash
# Run Prism on the embedded PostgreSQL with the demo world (or on PRISM_DATABASE_URL if set).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/prism serve "$@"
