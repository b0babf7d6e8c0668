#!/usr/bin/env bash
# Run the whole system: set-up, migrations, demo data on first start, then custody, incident and
# notify (nameko), the incident console, a local mail catcher and the kiosk, each kept running by
# supervisord (deploy/supervisord.conf): a part that dies is restarted. Ctrl-C or SIGTERM stops all.
# RUN_VAR_DIR (default var/) holds databases, secrets and logs; the ports are settings below.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh
VAR="$(mkdir -p "${RUN_VAR_DIR:-var}" && cd "${RUN_VAR_DIR:-var}" && pwd)"
chmod 700 "$VAR"
token() { .venv/bin/python -c "import secrets; print(secrets.token_urlsafe($1))"; }
if [ ! -f "$VAR/secrets.env" ]; then  # generated once, kept out of git and out of logs
  umask 077
  { echo "CUSTODY_LABEL_SECRET=$(token 32)"; echo "CUSTODY_CARD_KEY=$(token 32)"; } > "$VAR/secrets.env"
fi
for secret in INCIDENT_CONSOLE_SECRET_KEY RUN_SUPERVISOR_PASSWORD; do
  grep -q "^$secret=" "$VAR/secrets.env" || echo "$secret=$(token 48)" >> "$VAR/secrets.env"
done
set -a; . "$VAR/secrets.env"; set +a

# --- settings: every part reads its configuration from these (defaults for local development) ---
export PSYCOPG_WAIT_FUNC=wait_select PYTHONUNBUFFERED=1
export PYTHONWARNINGS=ignore  # eventlet announces its own deprecation (a plain Warning) in every process
FIRST_START=""
if [ -z "${CUSTODY_DB_URL:-}" ]; then
  [ -f "$VAR/custody.db" ] || FIRST_START=1  # demo data only into a new local ledger
  export CUSTODY_DB_URL="sqlite:///$VAR/custody.db"
fi
export INCIDENT_DB_URL="${INCIDENT_DB_URL:-sqlite:///$VAR/incident.db}"
export NOTIFY_DB_URL="${NOTIFY_DB_URL:-sqlite:///$VAR/notify.db}"
# no SMTP relay named: a local mail catcher on NOTIFY_SMTP_PORT stands in for it
RUN_MAIL_CATCHER=false; [ -n "${NOTIFY_SMTP_HOST:-}" ] || RUN_MAIL_CATCHER=true
export RUN_MAIL_CATCHER NOTIFY_SMTP_HOST="${NOTIFY_SMTP_HOST:-127.0.0.1}" NOTIFY_SMTP_PORT="${NOTIFY_SMTP_PORT:-1025}"
export NOTIFY_SECURITY_TEAM="${NOTIFY_SECURITY_TEAM:-security@example.co.jp}"
export NOTIFY_PRIVACY_OFFICER="${NOTIFY_PRIVACY_OFFICER:-privacy@example.co.jp}"
# the one desk every e-mail and refusal points people to, and the console the e-mails link to (demo values)
export SECURITY_DESK_NAME_JA="${SECURITY_DESK_NAME_JA:-情報セキュリティ窓口}"
export SECURITY_DESK_NAME_EN="${SECURITY_DESK_NAME_EN:-the information security desk}"
export SECURITY_DESK_PHONE="${SECURITY_DESK_PHONE:-03-1234-5678}"
export SECURITY_DESK_EMAIL="${SECURITY_DESK_EMAIL:-security-desk@example.co.jp}"
export SECURITY_DESK_LOCATION_JA="${SECURITY_DESK_LOCATION_JA:-本社3階 総務部の隣（機器キャビネット 3F-A の前）}"
export SECURITY_DESK_LOCATION_EN="${SECURITY_DESK_LOCATION_EN:-head office, 3rd floor, next to General Affairs (by cabinet 3F-A)}"
export INCIDENT_CONSOLE_BIND="${INCIDENT_CONSOLE_BIND:-127.0.0.1:8090}"
export NOTIFY_CONSOLE_BASE_URL="${NOTIFY_CONSOLE_BASE_URL:-http://$INCIDENT_CONSOLE_BIND}"
export KIOSK_BIND="${KIOSK_BIND:-127.0.0.1:8080}" KIOSK_ID=kiosk-dev KIOSK_CARD_KEY="$CUSTODY_CARD_KEY" KIOSK_DEMO=1
export KIOSK_JOURNAL_PATH="$VAR/kiosk-journal.db" KIOSK_USE_READER="${KIOSK_USE_READER:-0}"
export KIOSK_DEMO_CARDS=0102030405060701,0102030405060702,0102030405060703
export RUN_ROOT="$ROOT" RUN_VAR_DIR="$VAR" RUN_USER="$(id -un)"

CUSTODY=.venv/bin/custody
$CUSTODY db-upgrade
if [ -n "$FIRST_START" ]; then
  $CUSTODY import employees deploy/demo/employees.csv
  $CUSTODY import assets deploy/demo/assets.csv
  $CUSTODY labels "$VAR/labels.pdf" >/dev/null
  # demo cards for the kiosk's demo panel: card 1 佐藤 (trained), 2 伊藤 (no training), 3 Emma
  i=0; for who in E001 E002 E003; do
    i=$((i + 1)); echo "01020304050607$(printf %02d $i)" | $CUSTODY bind-card "$who" >/dev/null
  done
fi
if ! grep -q '^KIOSK_SECRET=' "$VAR/secrets.env"; then
  $CUSTODY kiosk-register kiosk-dev --name "development kiosk" 2>/dev/null | grep '^KIOSK_SECRET=' >> "$VAR/secrets.env"
  set -a; . "$VAR/secrets.env"; set +a
fi
.venv/bin/incident db-upgrade
.venv/bin/notify db-upgrade
if [ ! -f "$VAR/console-admin.txt" ]; then  # the first console user; the password is kept in a file only root can read
  umask 077
  ADMIN_PASSWORD="$(token 15)"
  INCIDENT_NEW_PASSWORD="$ADMIN_PASSWORD" .venv/bin/incident user-add admin --name "管理者 / admin" --role admin >/dev/null
  printf 'console user: admin\npassword: %s\n' "$ADMIN_PASSWORD" > "$VAR/console-admin.txt"
  unset ADMIN_PASSWORD
fi
mkdir -p "$VAR/log" "$VAR/mail/cur" "$VAR/mail/new" "$VAR/mail/tmp"  # var/mail/ is a Maildir
( umask 077; printf '[supervisorctl]\nserverurl=unix://%s/supervisor.sock\nusername=run\npassword=%s\n' \
    "$VAR" "$RUN_SUPERVISOR_PASSWORD" > "$VAR/supervisorctl.conf" )
cat <<MSG

  Custody, incident and notify services, the console and the kiosk are starting (Ctrl-C stops all).
  - Kiosk (demo mode):   http://$KIOSK_BIND/   demo card buttons at the bottom;
                         type a tag such as LT-0001 on the keypad, or scan $VAR/labels.pdf
  - Incident console:    http://$INCIDENT_CONSOLE_BIND/   user and password in $VAR/console-admin.txt
  - E-mails sent:        $VAR/mail/ (a Maildir: every message notify delivered)
  - Databases:           $CUSTODY_DB_URL, $INCIDENT_DB_URL,
                         $NOTIFY_DB_URL
  - Logs:                here, each line after its part's name; one file per part in $VAR/log/
  - Status, restarts:    .venv/bin/supervisorctl -c $VAR/supervisorctl.conf status   (restart system:custody, ...)
  - RabbitMQ UI:         http://127.0.0.1:15672  (guest / guest): exchanges custody.events, incident.events
  - Try the RPCs:        .venv/bin/nameko shell --config services/custody/config.yml
                         >>> n.rpc.custody.list_checked_out()
  - Operations guide:    docs/operations.md, docs/incident.md

MSG
# supervisord runs as a job of its own (set -m): it keeps the default handling of SIGINT that bash
# would take from a background command, and its parts inherit that. This shell stays in front so
# Ctrl-C, SIGTERM and a closed terminal (SIGHUP, which supervisord would take as "reload") all stop it.
set -m
# supervisord writes to this stdout, and the parts' lines come through its /dev/stdout log (opened for
# appending): into a file, both must append, or one would write over the other's lines
if [ -f /dev/stdout ]; then exec >>/dev/stdout; fi
.venv/bin/supervisord -c deploy/supervisord.conf &
SUPERVISORD=$!
trap 'kill -TERM "$SUPERVISORD" 2>/dev/null' INT TERM HUP
status=0
while kill -0 "$SUPERVISORD" 2>/dev/null; do
  wait "$SUPERVISORD" && status=0 || status=$?
done
exit "$status"
