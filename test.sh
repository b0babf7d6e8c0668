#!/usr/bin/env bash
# Run every test, on SQLite and on PostgreSQL, against the real RabbitMQ.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh --tests
export PSYCOPG_WAIT_FUNC=wait_select
status=0
for db in sqlite postgresql; do
  printf '\n\033[1m==> test suite on %s\033[0m\n' "$db"
  .venv/bin/python -m pytest --db="$db" "$@" || status=$?
done
exit $status
