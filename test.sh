#!/usr/bin/env bash
# Run every test, on SQLite and on PostgreSQL, against the real RabbitMQ.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh --tests
export PSYCOPG_WAIT_FUNC=wait_select
status=0
for db in sqlite postgresql; do
  printf '\n\033[1m==> services on %s (eventlet)\033[0m\n' "$db"
  .venv/bin/python -m pytest --db="$db" --ignore=tests/kiosk --ignore=tests/console "$@" || status=$?
  # the kiosk and the incident console run on plain threads (pyscard's blocking calls, Flask,
  # Playwright): no monkey-patching
  printf '\n\033[1m==> kiosk and console on %s (threads, real pcscd and Chromium)\033[0m\n' "$db"
  .venv/bin/python -m pytest -p no:eventlet --db="$db" tests/kiosk tests/console "$@" || status=$?
done
exit $status
