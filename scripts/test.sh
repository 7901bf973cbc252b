#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, format, types, SDL drift, migrations, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

# Use the PostgreSQL at 127.0.0.1:5432 when there is one (starting the machine's cluster if it is
# installed but stopped); otherwise the tests start the embedded server themselves.
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
fi

# The GraphiQL test drives a real browser: Debian's Chromium, installed when it is missing.
if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing chromium (Debian) for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== layers (import-linter)"
.venv/bin/lint-imports
echo "== mypy"
.venv/bin/mypy
echo "== exported SDL matches schema/sdl/"
for file in schema/sdl/*.graphql; do
  role=$(basename "$file" .graphql)
  diff -u "$file" <(.venv/bin/prism schema --role "$role") || {
    echo "schema/sdl/$role.graphql is stale: run scripts/export-sdl.sh and commit it"; exit 1; }
done
echo "== pytest"
.venv/bin/pytest "$@"
