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
export PYTHONWARNINGS=ignore  # eventlet announces its own deprecation (a plain Warning) in every process
CUSTODY=.venv/bin/custody
FIRST_START=""; [ -n "${CUSTODY_DB_URL:-}" ] || [ -f var/custody.db ] || FIRST_START=1
$CUSTODY db-upgrade
if [ -n "$FIRST_START" ]; then
  $CUSTODY import employees deploy/demo/employees.csv
  $CUSTODY import assets deploy/demo/assets.csv
  $CUSTODY labels var/labels.pdf >/dev/null
  # demo cards for the kiosk's demo panel: card 1 佐藤 (trained), 2 伊藤 (no training), 3 Emma
  i=0; for who in E001 E002 E003; do
    i=$((i + 1)); echo "01020304050607$(printf %02d $i)" | $CUSTODY bind-card "$who" >/dev/null
  done
fi
if ! grep -q '^KIOSK_SECRET=' var/secrets.env; then
  $CUSTODY kiosk-register kiosk-dev --name "development kiosk" 2>/dev/null | grep '^KIOSK_SECRET=' >> var/secrets.env
  set -a; . var/secrets.env; set +a
fi
.venv/bin/nameko run --config services/custody/config.yml custody.service:CustodyService &
CUSTODY_PID=$!
trap 'kill $CUSTODY_PID 2>/dev/null; wait $CUSTODY_PID 2>/dev/null' EXIT INT TERM
cat <<MSG

  Custody service and kiosk are starting (Ctrl-C stops both).
  - Kiosk (demo mode):   http://127.0.0.1:8080/   demo card buttons at the bottom;
                         type a tag such as LT-0001 on the keypad, or scan var/labels.pdf
  - Ledger database:     ${CUSTODY_DB_URL:-sqlite:///var/custody.db}
  - RabbitMQ UI:         http://127.0.0.1:15672  (guest / guest): exchange custody.events
  - QR label sheet:      var/labels.pdf
  - Try the RPCs:        .venv/bin/nameko shell --config services/custody/config.yml
                         >>> n.rpc.custody.list_checked_out()
  - Operations guide:    docs/operations.md

MSG
export KIOSK_ID=kiosk-dev KIOSK_CARD_KEY="$CUSTODY_CARD_KEY" KIOSK_DEMO=1 KIOSK_JOURNAL_PATH=var/kiosk-journal.db
export KIOSK_DEMO_CARDS=0102030405060701,0102030405060702,0102030405060703 KIOSK_USE_READER="${KIOSK_USE_READER:-0}"
.venv/bin/python -m kiosk
