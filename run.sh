#!/usr/bin/env bash
# Run the system: set-up, migrations, demo ledger on first start, then the custody service.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh
mkdir -p var && chmod 700 var
if [ ! -f var/secrets.env ]; then  # generated once, kept out of git and out of logs
  umask 077
  {
    echo "CUSTODY_LABEL_SECRET=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')"
    echo "CUSTODY_CARD_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')"
  } > var/secrets.env
fi
set -a; . var/secrets.env; set +a
export PSYCOPG_WAIT_FUNC=wait_select
export PYTHONWARNINGS="ignore::DeprecationWarning"  # eventlet announces its own deprecation on every start
CUSTODY=.venv/bin/custody
FIRST_START=""; [ -n "${CUSTODY_DB_URL:-}" ] || [ -f var/custody.db ] || FIRST_START=1
$CUSTODY db-upgrade
if [ -n "$FIRST_START" ]; then
  $CUSTODY import employees deploy/demo/employees.csv
  $CUSTODY import assets deploy/demo/assets.csv
  $CUSTODY labels var/labels.pdf >/dev/null
fi
cat <<MSG

  Custody service is starting (Ctrl-C stops it).
  - Ledger database:     ${CUSTODY_DB_URL:-sqlite:///var/custody.db}
  - RabbitMQ UI:         http://127.0.0.1:15672  (guest / guest): exchange custody.events
  - QR label sheet:      var/labels.pdf
  - Try the RPCs:        .venv/bin/nameko shell --config services/custody/config.yml
                         >>> n.rpc.custody.list_checked_out()
  - Operations guide:    docs/operations.md

MSG
exec .venv/bin/nameko run --config services/custody/config.yml custody.service:CustodyService
