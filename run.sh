#!/usr/bin/env bash
# Run the whole system: set-up, migrations, demo data on first start, then custody, incident and
# notify (nameko), the incident console, a local mail catcher and the kiosk (Ctrl-C stops all).
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
if ! grep -q '^INCIDENT_CONSOLE_SECRET_KEY=' var/secrets.env; then
  echo "INCIDENT_CONSOLE_SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))')" >> var/secrets.env
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
# the notify and incident services (local development: a mail catcher stands in for the SMTP relay)
export NOTIFY_SMTP_HOST="${NOTIFY_SMTP_HOST:-127.0.0.1}" NOTIFY_SMTP_PORT="${NOTIFY_SMTP_PORT:-1025}"
export INCIDENT_DB_URL="${INCIDENT_DB_URL:-sqlite:///var/incident.db}"
export NOTIFY_SECURITY_TEAM="${NOTIFY_SECURITY_TEAM:-security@example.co.jp}"
export NOTIFY_PRIVACY_OFFICER="${NOTIFY_PRIVACY_OFFICER:-privacy@example.co.jp}"
# the one desk every e-mail and refusal points people to, and the console the e-mails link to (demo values)
export SECURITY_DESK_NAME_JA="${SECURITY_DESK_NAME_JA:-情報セキュリティ窓口}"
export SECURITY_DESK_NAME_EN="${SECURITY_DESK_NAME_EN:-the information security desk}"
export SECURITY_DESK_PHONE="${SECURITY_DESK_PHONE:-03-1234-5678}"
export SECURITY_DESK_EMAIL="${SECURITY_DESK_EMAIL:-security-desk@example.co.jp}"
export SECURITY_DESK_LOCATION_JA="${SECURITY_DESK_LOCATION_JA:-本社3階 総務部の隣（機器キャビネット 3F-A の前）}"
export SECURITY_DESK_LOCATION_EN="${SECURITY_DESK_LOCATION_EN:-head office, 3rd floor, next to General Affairs (by cabinet 3F-A)}"
export NOTIFY_CONSOLE_BASE_URL="${NOTIFY_CONSOLE_BASE_URL:-http://127.0.0.1:8090}"
.venv/bin/incident db-upgrade
.venv/bin/notify db-upgrade
if [ ! -f var/console-admin.txt ]; then  # the first console user; the password is kept in a file only root can read
  umask 077
  ADMIN_PASSWORD="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(15))')"
  INCIDENT_NEW_PASSWORD="$ADMIN_PASSWORD" .venv/bin/incident user-add admin --name "管理者 / admin" --role admin >/dev/null
  printf 'console user: admin\npassword: %s\n' "$ADMIN_PASSWORD" > var/console-admin.txt
  unset ADMIN_PASSWORD
fi
PIDS=()
stop_all() {
  trap - EXIT INT TERM
  kill "${PIDS[@]}" 2>/dev/null
  for _ in $(seq 50); do kill -0 "${PIDS[@]}" 2>/dev/null || break; sleep 0.2; done  # 10 s to stop cleanly
  kill -9 "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null
}
trap stop_all EXIT
trap 'exit 130' INT TERM
mkdir -p var/mail/cur var/mail/new var/mail/tmp  # a Maildir
if [ "$NOTIFY_SMTP_HOST" = 127.0.0.1 ] && [ "$NOTIFY_SMTP_PORT" = 1025 ]; then
  .venv/bin/python -m aiosmtpd -n -l 127.0.0.1:1025 -c aiosmtpd.handlers.Mailbox var/mail & PIDS+=($!)
fi
for svc in custody:CustodyService incident:IncidentService notify:NotifyService; do
  name="${svc%%:*}"
  .venv/bin/nameko run --config "services/$name/config.yml" "$name.service:${svc##*:}" & PIDS+=($!)
done
.venv/bin/python -m incident.console & PIDS+=($!)
cat <<MSG

  Custody, incident and notify services, the console and the kiosk are starting (Ctrl-C stops all).
  - Kiosk (demo mode):   http://127.0.0.1:8080/   demo card buttons at the bottom;
                         type a tag such as LT-0001 on the keypad, or scan var/labels.pdf
  - Incident console:    http://127.0.0.1:8090/   user and password in var/console-admin.txt
  - E-mails sent:        var/mail/ (a Maildir: every message notify delivered)
  - Databases:           ${CUSTODY_DB_URL:-sqlite:///var/custody.db}, ${INCIDENT_DB_URL:-sqlite:///var/incident.db},
                         ${NOTIFY_DB_URL:-sqlite:///var/notify.db}
  - RabbitMQ UI:         http://127.0.0.1:15672  (guest / guest): exchanges custody.events, incident.events
  - QR label sheet:      var/labels.pdf
  - Try the RPCs:        .venv/bin/nameko shell --config services/custody/config.yml
                         >>> n.rpc.custody.list_checked_out()
  - Operations guide:    docs/operations.md, docs/incident.md

MSG
export KIOSK_ID=kiosk-dev KIOSK_CARD_KEY="$CUSTODY_CARD_KEY" KIOSK_DEMO=1 KIOSK_JOURNAL_PATH=var/kiosk-journal.db
export KIOSK_DEMO_CARDS=0102030405060701,0102030405060702,0102030405060703 KIOSK_USE_READER="${KIOSK_USE_READER:-0}"
.venv/bin/python -m kiosk & PIDS+=($!)
# wait in the shell (not in a foreground child) so Ctrl-C or a TERM stops everything at once;
# if any part exits on its own, the others are stopped too and its exit code is returned
set +e
wait -n "${PIDS[@]}"
status=$?
exit $status
