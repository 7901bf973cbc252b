#!/usr/bin/env bash
# Build the browser assets Prism serves itself (GraphiQL, React and ECharts from the npm registry,
# pinned by frontend/package-lock.json) into prism/static/vendor/, so no page needs a CDN. bootstrap.sh
# runs this; it does nothing while the built files match the lock (pass --force to rebuild).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=prism/static/vendor
STAMP="$OUT/.package-lock.sha256"
want=$(sha256sum frontend/package-lock.json | cut -d' ' -f1)
if [ "${1:-}" != "--force" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Node.js and npm (Debian packages) to build GraphiQL's assets"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "npm is needed to build GraphiQL's assets: install Node.js with npm, then rerun" >&2
    exit 1
  fi
fi
npm ci --prefix frontend --no-audit --no-fund --silent
mkdir -p "$OUT"
cp frontend/node_modules/react/umd/react.production.min.js \
  frontend/node_modules/react-dom/umd/react-dom.production.min.js \
  frontend/node_modules/graphiql/graphiql.min.js \
  frontend/node_modules/graphiql/graphiql.min.css \
  frontend/node_modules/echarts/dist/echarts.min.js \
  "$OUT/"
echo "$want" > "$STAMP"
