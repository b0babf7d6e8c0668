#!/usr/bin/env bash
# Set-up shared by run.sh and test.sh: system packages, the virtualenv, RabbitMQ
# (and, for tests, PostgreSQL). Safe to run again: it only does what is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
WANT_TESTS="${1:-}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
APT_UPDATED=""
apt_install() {
  [ -n "$APT_UPDATED" ] || { as_root apt-get update -qq; APT_UPDATED=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- Python 3.11+ with venv -------------------------------------------------
command -v python3 >/dev/null || apt_install python3 python3-venv python3-dev
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "Python 3.11 or newer is needed / Python 3.11 以上が必要です" >&2; exit 1; }
if [ ! -x "$VENV/bin/python" ]; then
  say "creating the virtualenv in .venv"
  python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$VENV"; }
fi
# PC/SC (pcscd, and the libraries pyscard builds against); vpcd for the virtual test reader
bash "$ROOT/scripts/install_kiosk_deps.sh"
if [ "$WANT_TESTS" = "--tests" ]; then
  # real Chromium for the kiosk's end-to-end tests, with Japanese fonts for the screenshots
  # grep -c reads all of fc-list's output: grep -q would quit early and, under pipefail, fc-list's
  # SIGPIPE would fail the check and reinstall every run
  command -v chromium >/dev/null && fc-list 2>/dev/null | grep -ci "Noto Sans CJK" >/dev/null \
    || { say "installing Chromium and Japanese fonts"; apt_install chromium fonts-noto-cjk; }
fi
if [ "$WANT_TESTS" = "--tests" ]; then
  # the operations checkers (tests/operations/): shellcheck and systemd-analyze (Debian), dclint (npm,
  # pinned in package.json/package-lock.json), promtool (from Debian's prometheus package, extracted
  # into .venv/bin: installing the package would also start a Prometheus server); hadolint is a pinned
  # Python package (requirements.txt)
  command -v shellcheck >/dev/null || { say "installing shellcheck"; apt_install shellcheck; }
  command -v systemd-analyze >/dev/null || { say "installing systemd (systemd-analyze)"; apt_install systemd; }
  command -v npm >/dev/null || { say "installing Node.js and npm"; apt_install nodejs npm; }
  if [ ! -x "$ROOT/node_modules/.bin/dclint" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.bin/dclint" ]; then
    say "installing dclint (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$ROOT/node_modules/.bin/dclint"
  fi
  if [ ! -x "$VENV/bin/promtool" ]; then
    say "extracting promtool from Debian's prometheus package"
    [ -n "$APT_UPDATED" ] || { as_root apt-get update -qq; APT_UPDATED=1; }
    work="$(mktemp -d)"
    (cd "$work" && apt-get download -qq prometheus 2>/dev/null && dpkg-deb -x prometheus_*.deb unpacked) \
      && install -m 0755 "$work/unpacked/usr/bin/promtool" "$VENV/bin/promtool"
    rm -rf "$work"
  fi
fi
STAMP="$VENV/.installed"
if [ ! -f "$STAMP" ] || [ "$ROOT/requirements.txt" -nt "$STAMP" ] \
   || [ -n "$(find "$ROOT/services" "$ROOT/kiosk" -name pyproject.toml -newer "$STAMP")" ]; then
  say "installing pinned Python packages"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements.txt"
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps \
    -e "$ROOT/services/contracts" -e "$ROOT/services/servicekit" -e "$ROOT/services/custody" -e "$ROOT/services/incident" -e "$ROOT/services/notify" -e "$ROOT/kiosk"
  touch "$STAMP"
fi

# --- RabbitMQ -----------------------------------------------------------------
if ! listening 5672; then
  command -v rabbitmq-server >/dev/null || { say "installing RabbitMQ"; apt_install rabbitmq-server; }
  say "starting RabbitMQ"
  as_root rabbitmq-server -detached >/dev/null 2>&1 || true
  as_root rabbitmqctl await_startup --timeout 120 >/dev/null
fi
# nameko's test fixtures make a throw-away vhost per test through the management API;
# ops use the same UI at http://127.0.0.1:15672
if ! listening 15672; then
  say "enabling the RabbitMQ management plugin"
  as_root rabbitmq-plugins enable rabbitmq_management >/dev/null
  for _ in $(seq 60); do listening 15672 && break; sleep 0.5; done
fi

# --- PostgreSQL (the production database; the test suite runs on it too) --------
if [ "$WANT_TESTS" = "--tests" ] && ! listening 5432; then
  command -v pg_ctlcluster >/dev/null || { say "installing PostgreSQL"; apt_install postgresql; }
  say "starting PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  for _ in $(seq 60); do listening 5432 && break; sleep 0.5; done
fi
exit 0
