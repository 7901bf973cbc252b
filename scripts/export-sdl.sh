#!/usr/bin/env bash
# Write each role's SDL to schema/sdl/ROLE.graphql (checked in, diffed by CI).
set -euo pipefail
cd "$(dirname "$0")/.."
for role in ADMIN SALES_MANAGER SALES_REP PARTNER_USER TECHNICIAN SERVICE_AGENT ANALYST; do
  .venv/bin/prism schema --role "$role" > "schema/sdl/$role.graphql"
done
