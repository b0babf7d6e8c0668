#!/usr/bin/env bash
# Install or update the custody kiosk on a Raspberry Pi (Raspberry Pi OS Bookworm, 64-bit).
# Run as root from a checkout of the repository. Safe to run again: it is also the update step.
#
#   sudo deploy/pi/install.sh
#   deploy/pi/install.sh --dry-run    # print every change it would make, change nothing (any user)
#
# Optional environment:
#   KIOSK_DESKTOP_USER=pi   the auto-login desktop user that shows Chromium (default: lightdm's
#                           autologin-user, else the user who ran sudo, else uid 1000, else pi)
#   KIOSK_HIDE_CURSOR=0     keep the mouse cursor visible (default 1: an invisible cursor theme)
#
# What it does: system packages, the "kiosk" system user, the pcscd polkit rule, the code and
# its virtualenv in /opt/kiosk, /etc/kiosk/kiosk.env (only if missing), kiosk.service (system)
# and kiosk-browser.service (user), and the desktop: autostart, no screen blanking, no cursor.
# Guide: deploy/pi/README.md
set -euo pipefail
umask 022

DRY_RUN=0
case "${1:-}" in
  --dry-run) DRY_RUN=1 ;;
  "") ;;
  *) printf 'usage: %s [--dry-run]\n' "$0" >&2; exit 2 ;;
esac

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PREFIX=/opt/kiosk
VENV="$PREFIX/.venv"
ENV_FILE=/etc/kiosk/kiosk.env
HIDE_CURSOR="${KIOSK_HIDE_CURSOR:-1}"
CURSOR_THEME=kiosk-blank
LIGHTDM_CONF=/etc/lightdm/lightdm.conf
BEGIN_MARK="# >>> custody kiosk (managed by deploy/pi/install.sh) >>>"
END_MARK="# <<< custody kiosk <<<"

say()  { printf '\033[1m==> %s\033[0m\n' "$*"; }
dry()  { [ "$DRY_RUN" = 1 ]; }
# Run a command that changes the machine; with --dry-run, print it instead.
run()  { if dry; then printf '[dry-run]'; printf ' %q' "$@"; printf '\n'; else "$@"; fi; }
# Say what a step that changes the machine would do (--dry-run), or do it (the function given).
step() { local what="$1"; shift; if dry; then printf '[dry-run] %s\n' "$what"; else "$@"; fi; }
warn() { printf '\033[1;33mWARNING: %s\033[0m\n' "$*" >&2; }
die()  { printf '\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }
systemd_running() { [ -d /run/systemd/system ]; }
apt_candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2; exit }'; }
find_chromium() { command -v chromium || command -v chromium-browser; }
lightdm_get() { if [ -f "$LIGHTDM_CONF" ]; then sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$LIGHTDM_CONF" | tail -n 1; fi; }
# A value from kiosk.env (with --dry-run and no kiosk.env yet: from the example), without surrounding quotes.
env_get() {
  local file="$ENV_FILE"
  if dry && [ ! -r "$file" ]; then file="$HERE/kiosk.env.example"; fi
  sed -n "s/^[[:space:]]*$1=//p" "$file" | tail -n 1 | sed -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'\$/\1/"
}

[ "$(id -u)" = 0 ] || dry || die "run as root: sudo $0"
if dry; then say "dry run: nothing is changed; each change is printed as [dry-run] ..."; fi
for f in kiosk/pyproject.toml kiosk/kiosk/app.py services/contracts/pyproject.toml requirements.txt; do
  [ -f "$REPO/$f" ] || die "$REPO/$f is missing: run this from a complete checkout of the repository"
done

# --- system packages ---------------------------------------------------------------------
# pyscard 2.3.1 builds from source: swig, gcc, python3-dev and libpcsclite-dev.
# NEVER install vsmartcard-vpcd on a kiosk: it makes pcscd accept virtual cards from any host
# that reaches TCP port 35963, so anyone on the network could "tap" any card. (The test suite
# uses it; that is why ./run.sh and ./test.sh must not be run on a kiosk.)
say "installing system packages"
export DEBIAN_FRONTEND=noninteractive
run apt-get update -q
run apt-get install -y -q --no-install-recommends \
  pcscd pcsc-tools libccid libpcsclite-dev swig gcc python3-venv python3-dev fonts-noto-cjk curl
if ! find_chromium >/dev/null; then
  # Older Raspberry Pi OS images call the package chromium-browser, newer ones chromium (where
  # chromium-browser may remain as a transitional package); plain Debian only has chromium.
  candidate="$(apt_candidate chromium-browser)"
  if [ -n "$candidate" ] && [ "$candidate" != "(none)" ]; then browser=chromium-browser; else browser=chromium; fi
  say "installing $browser"
  run apt-get install -y -q --no-install-recommends "$browser"
fi
if dry && ! find_chromium >/dev/null; then CHROMIUM="/usr/bin/$browser"; else
  CHROMIUM="$(find_chromium)" || die "Chromium is not installed (neither chromium nor chromium-browser)"
fi

vpcd_status="$(dpkg-query -W -f='${db:Status-Abbrev}' vsmartcard-vpcd 2>/dev/null || true)"
if [ -n "$vpcd_status" ] && [ "${vpcd_status:0:2}" != "un" ]; then
  warn "vsmartcard-vpcd (virtual smart-card reader, reachable over the network) is on this kiosk: purging it"
  run apt-get purge -y -q vsmartcard-vpcd
  if systemd_running; then run systemctl try-restart pcscd.service || true; fi
fi

# --- the kiosk user, the card service -----------------------------------------------------
# No extra groups: Debian's pcscd socket (/run/pcscd/pcscd.comm) is open to every local user;
# where pcscd checks polkit, 50-kiosk-pcscd.rules lets "kiosk" in.
if ! id -u kiosk >/dev/null 2>&1; then
  say "creating the system user kiosk"
  run useradd --system --user-group --home-dir /var/lib/kiosk --no-create-home \
    --shell /usr/sbin/nologin --comment "custody kiosk" kiosk
fi
[ -d /etc/polkit-1/rules.d ] || run install -d -m 0755 /etc/polkit-1/rules.d
run install -m 0644 "$HERE/50-kiosk-pcscd.rules" /etc/polkit-1/rules.d/50-kiosk-pcscd.rules
if systemd_running; then run systemctl enable --now pcscd.socket; else run systemctl enable pcscd.socket; fi

# --- code and virtualenv in /opt/kiosk (root-owned, read-only for the service) --------------
say "copying the kiosk code to $PREFIX/src"
run install -d -m 0755 "$PREFIX" "$PREFIX/bin"
run rm -rf "$PREFIX/src.new" "$PREFIX/src.old"
run install -d -m 0755 "$PREFIX/src.new"
# Same layout as the repository, so relative paths in requirements-kiosk.txt keep working.
parts=(kiosk services/contracts services/servicekit requirements.txt)
[ -f "$REPO/requirements-kiosk.txt" ] && parts+=(requirements-kiosk.txt)
copy_code() {
  tar -C "$REPO" --exclude=__pycache__ --exclude='*.egg-info' --exclude=build --exclude=.pytest_cache \
    -cf - "${parts[@]}" | tar -C "$PREFIX/src.new" --no-same-owner -xf -
}
step "copy ${parts[*]} from $REPO to $PREFIX/src.new" copy_code
if [ -d "$PREFIX/src" ]; then run mv "$PREFIX/src" "$PREFIX/src.old"; fi
run mv "$PREFIX/src.new" "$PREFIX/src"
run rm -rf "$PREFIX/src.old"
run install -m 0644 "$HERE/README.md" "$PREFIX/README.md"
# As the checkout's owner: git run as root could leave a root-owned .git/index behind.
revision="$(GIT_OPTIONAL_LOCKS=0 runuser -u "$(stat -c %U "$REPO")" -- git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)"
write_version() { printf '%s installed %s\n' "$revision" "$(date -Is)" > "$PREFIX/VERSION"; }
step "write $PREFIX/VERSION ($revision)" write_version
run ln -sfn "$CHROMIUM" "$PREFIX/bin/chromium"

if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then  # missing, or Python was upgraded
  say "creating the virtualenv $VENV"
  run rm -rf "$VENV"
  run python3 -m venv "$VENV"
fi
say "installing Python packages (pyscard compiles from source: a few minutes the first time)"
pip=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
# from the copied code (in a dry run, from the checkout: nothing was copied)
if dry; then cd "$REPO"; else cd "$PREFIX/src"; fi
if [ -f requirements-kiosk.txt ]; then
  run "${pip[@]}" install -r requirements-kiosk.txt
else
  warn "requirements-kiosk.txt is not in this checkout: installing the pinned fallback set"
  # The repository's requirements.txt pins (and wins when it names the package); else ours.
  wanted=()
  for spec in flask==3.1.3 gunicorn==23.0.0 pyscard==2.3.1 nameko==2.14.1 prometheus-client==0.26.0 \
              python-json-logger==4.2.0; do
    if grep -qi "^${spec%%==*}==" requirements.txt; then wanted+=("${spec%%==*}"); else wanted+=("$spec"); fi
  done
  run "${pip[@]}" install -c requirements.txt "${wanted[@]}"
fi
# All are version 1.0.0 whatever the code: reinstall so an update always takes effect. servicekit without
# its database dependencies: the kiosk uses its logs, correlation ids and metrics only.
run "${pip[@]}" install --no-deps --force-reinstall ./services/contracts ./services/servicekit ./kiosk
cd /
if ! dry; then
  PYTHONWARNINGS=ignore "$VENV/bin/python" -c 'import contracts, gunicorn, kiosk.app, servicekit.logs, smartcard' \
    || die "the kiosk does not import in $VENV (see the error above)"
fi

# --- configuration ------------------------------------------------------------------------
run install -d -m 0750 -o root -g kiosk /etc/kiosk
if [ ! -f "$ENV_FILE" ]; then
  say "creating $ENV_FILE from the example (fill it in before the kiosk can start)"
  run install -m 0600 -o root -g kiosk "$HERE/kiosk.env.example" "$ENV_FILE"
else
  run chown root:kiosk "$ENV_FILE"
  run chmod 0600 "$ENV_FILE"
  sed -n 's/^\([A-Z_][A-Z0-9_]*\)=.*/\1/p' "$HERE/kiosk.env.example" | while IFS= read -r name; do
    grep -q "^[[:space:]]*$name=" "$ENV_FILE" \
      || warn "$ENV_FILE has no $name (new setting? see $HERE/kiosk.env.example)"
  done
fi
missing=()
for name in KIOSK_ID KIOSK_SECRET KIOSK_CARD_KEY AMQP_URI; do
  [ -n "$(env_get "$name")" ] || missing+=("$name")
done
card_key="$(env_get KIOSK_CARD_KEY)"
if [ -n "$card_key" ] && [ "${#card_key}" -lt 16 ]; then warn "KIOSK_CARD_KEY is shorter than 16 characters"; fi
case "$(env_get KIOSK_DEMO)" in ""|0) ;; *) warn "KIOSK_DEMO is on: it must be 0 in production" ;; esac
case "$(env_get AMQP_URI)" in amqp://*) warn "AMQP_URI is plain amqp://: use amqps:// in production" ;; esac

# --- services -----------------------------------------------------------------------------
say "installing kiosk.service and kiosk-browser.service"
run install -m 0644 "$HERE/kiosk.service" /etc/systemd/system/kiosk.service
run install -d -m 0755 /etc/systemd/user
run install -m 0644 "$HERE/kiosk-browser.service" /etc/systemd/user/kiosk-browser.service
if systemd_running; then run systemctl daemon-reload; fi
run systemctl enable kiosk.service
if systemd_running; then
  if [ ${#missing[@]} -eq 0 ]; then
    run systemctl restart kiosk.service  # picks up new code; pending journal entries stay on disk
  else
    warn "not starting kiosk.service yet: ${missing[*]} empty in $ENV_FILE"
  fi
fi

# --- desktop: browser autostart, no blanking, no cursor -------------------------------------
DESKTOP_USER="${KIOSK_DESKTOP_USER:-$(lightdm_get autologin-user)}"
if [ -z "$DESKTOP_USER" ] || [ "$DESKTOP_USER" = root ]; then DESKTOP_USER="${SUDO_USER:-}"; fi
if [ -z "$DESKTOP_USER" ] || [ "$DESKTOP_USER" = root ]; then DESKTOP_USER="$(getent passwd 1000 | cut -d: -f1 || true)"; fi
DESKTOP_USER="${DESKTOP_USER:-pi}"

user_dir() { run install -d -m 0755 -o "$DESKTOP_USER" -g "$DESKTOP_GROUP" "$@"; }
# Replace our marked block in a file with new content ("" removes the block); keeps the rest.
set_block() {
  local file="$1" content="$2" tmp
  [ -f "$file" ] || [ -n "$content" ] || return 0
  if dry; then printf '[dry-run] set the custody kiosk block in %s to: %s\n' "$file" "${content:-(none)}"; return 0; fi
  tmp="$(mktemp)"
  if [ -f "$file" ]; then
    awk -v b="$BEGIN_MARK" -v e="$END_MARK" '$0 == b { skip = 1; next } $0 == e { skip = 0; next } !skip' "$file" > "$tmp"
  fi
  if [ -n "$content" ]; then printf '%s\n%s\n%s\n' "$BEGIN_MARK" "$content" "$END_MARK" >> "$tmp"; fi
  install -m 0644 -o "$DESKTOP_USER" -g "$DESKTOP_GROUP" "$tmp" "$file"
  rm -f "$tmp"
}
# Set "key = value" in [section] of an ini file ("" value removes the key); keeps the rest.
ini_set() {
  local file="$1" tmp
  if dry; then printf '[dry-run] set %s = %s in [%s] of %s\n' "$3" "${4:-(removed)}" "$2" "$file"; return 0; fi
  tmp="$(mktemp)"
  awk -v s="[$2]" -v k="$3" -v v="$4" '
    function emit() { if (v != "" && !done) { print k " = " v; done = 1 } }
    function flush() { printf "%s", held; held = "" }
    /^[[:space:]]*$/ { held = held $0 "\n"; next }
    /^[[:space:]]*\[/ { if (insec) emit(); flush(); insec = ($0 == s); if (insec) seen = 1; print; next }
    insec && $0 ~ ("^[[:space:]]*" k "[[:space:]]*=") { next }
    { flush(); print }
    END { if (insec) emit(); flush(); if (!seen && v != "") { print ""; print s; print k " = " v } }
  ' "$file" > "$tmp"
  install -m 0644 -o "$DESKTOP_USER" -g "$DESKTOP_GROUP" "$tmp" "$file"
  rm -f "$tmp"
}
# As the desktop user, against their running systemd user manager (no-op when not logged in).
user_systemctl() {
  local uid
  uid="$(id -u "$DESKTOP_USER")"
  [ -S "/run/user/$uid/bus" ] || return 0
  run runuser -u "$DESKTOP_USER" -- env XDG_RUNTIME_DIR="/run/user/$uid" \
    DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$uid/bus" systemctl --user "$@" || true
}
# An invisible Xcursor theme: one transparent image, linked under every cursor name in use.
make_blank_cursor_theme() {
  local dir="/usr/share/icons/$CURSOR_THEME" name
  if dry; then printf '[dry-run] make the invisible cursor theme %s\n' "$dir"; return 0; fi
  install -d -m 0755 "$dir/cursors"
  printf '[Icon Theme]\nName=%s\nComment=Invisible cursor for the custody kiosk\n' "$CURSOR_THEME" > "$dir/index.theme"
  python3 - "$dir/cursors/left_ptr" <<'PY'
import struct, sys
IMAGE, SIZE, W, H = 0xFFFD0002, 24, 8, 8
header = struct.pack("<4sIII", b"Xcur", 16, 0x10000, 1) + struct.pack("<III", IMAGE, SIZE, 16 + 12)
image = struct.pack("<9I", 36, IMAGE, SIZE, 1, W, H, 0, 0, 0) + bytes(4 * W * H)  # all transparent
with open(sys.argv[1], "wb") as out:
    out.write(header + image)
PY
  chmod 0644 "$dir/cursors/left_ptr"
  {
    printf '%s\n' default arrow top_left_arrow pointer hand hand1 hand2 pointing_hand text xterm \
      ibeam vertical-text wait watch progress left_ptr_watch half-busy crosshair cross tcross help \
      question_arrow whats_this context-menu cell plus move fleur all-scroll grab openhand grabbing \
      closedhand dnd-move dnd-copy dnd-link dnd-none copy alias not-allowed no-drop crossed_circle \
      forbidden col-resize sb_h_double_arrow row-resize sb_v_double_arrow n-resize s-resize e-resize \
      w-resize ne-resize nw-resize se-resize sw-resize ew-resize ns-resize nesw-resize nwse-resize \
      top_side bottom_side left_side right_side top_left_corner top_right_corner bottom_left_corner \
      bottom_right_corner size_hor size_ver size_bdiag size_fdiag size_all zoom-in zoom-out X_cursor \
      right_ptr draft_large draft_small
    find /usr/share/icons -path "/usr/share/icons/$CURSOR_THEME" -prune -o -path '*/cursors/*' -printf '%f\n' 2>/dev/null || true
  } | sort -u | while IFS= read -r name; do
    if [ -n "$name" ] && [ "$name" != left_ptr ]; then ln -sfn left_ptr "$dir/cursors/$name"; fi
  done
}

DESKTOP_HOME=""
if id -u "$DESKTOP_USER" >/dev/null 2>&1; then
  DESKTOP_HOME="$(getent passwd "$DESKTOP_USER" | cut -d: -f6)"
  DESKTOP_GROUP="$(id -gn "$DESKTOP_USER")"
else
  warn "desktop user '$DESKTOP_USER' does not exist: browser autostart not set up (set KIOSK_DESKTOP_USER)"
fi
if [ -n "$DESKTOP_HOME" ]; then
  say "setting up the desktop of $DESKTOP_USER (browser autostart, no blanking, cursor)"
  if [ -z "$(lightdm_get autologin-user)" ]; then
    if command -v raspi-config >/dev/null; then
      SUDO_USER="$DESKTOP_USER" run raspi-config nonint do_boot_behaviour B4 || warn "could not turn on desktop auto-login"
    else
      warn "no desktop auto-login configured: set autologin-user=$DESKTOP_USER in $LIGHTDM_CONF"
    fi
  fi
  if command -v raspi-config >/dev/null; then
    SUDO_USER="$DESKTOP_USER" run raspi-config nonint do_blanking 1 || warn "could not turn off screen blanking"
  else
    warn "raspi-config not found: turn off screen blanking in the desktop settings"
  fi
  [ "$HIDE_CURSOR" = 1 ] && make_blank_cursor_theme

  # labwc (Raspberry Pi OS default; run with -m, so these merge with /etc/xdg/labwc/*).
  user_dir "$DESKTOP_HOME/.config" "$DESKTOP_HOME/.config/labwc"
  set_block "$DESKTOP_HOME/.config/labwc/autostart" \
"systemctl --user import-environment WAYLAND_DISPLAY DISPLAY XDG_CURRENT_DESKTOP XCURSOR_THEME XCURSOR_SIZE
systemctl --user start --no-block kiosk-browser.service"
  cursor_env=""
  [ "$HIDE_CURSOR" = 1 ] && cursor_env="XCURSOR_THEME=$CURSOR_THEME"
  set_block "$DESKTOP_HOME/.config/labwc/environment" "$cursor_env"

  # wayfire (older Bookworm default): only edit a wayfire.ini the session already made.
  WAYFIRE_INI="$DESKTOP_HOME/.config/wayfire.ini"
  if [ -f "$WAYFIRE_INI" ]; then
    ini_set "$WAYFIRE_INI" autostart kiosk \
      "systemctl --user import-environment WAYLAND_DISPLAY DISPLAY XCURSOR_THEME && systemctl --user start --no-block kiosk-browser.service"
    if [ "$HIDE_CURSOR" = 1 ]; then
      ini_set "$WAYFIRE_INI" input cursor_theme "$CURSOR_THEME"
    elif grep -q "^[[:space:]]*cursor_theme[[:space:]]*=[[:space:]]*${CURSOR_THEME}[[:space:]]*\$" "$WAYFIRE_INI"; then
      ini_set "$WAYFIRE_INI" input cursor_theme ""
    fi
  fi

  session="$(lightdm_get autologin-session)"
  [ -n "$session" ] || session="$(lightdm_get user-session)"
  case "$session" in
    *labwc*) ;;
    *wayfire*) [ -f "$WAYFIRE_INI" ] || warn "wayfire session without $WAYFIRE_INI yet: reboot once, then run this again" ;;
    "") warn "could not tell the desktop session from $LIGHTDM_CONF; the browser starts from labwc or wayfire only" ;;
    *) warn "desktop session '$session' is not Wayland (labwc/wayfire): switch with 'sudo raspi-config nonint do_wayland W3' (labwc), reboot, run this again" ;;
  esac
  user_systemctl daemon-reload
  user_systemctl try-restart kiosk-browser.service  # reload the page after an update
fi

# --- next steps ---------------------------------------------------------------------------
cat <<MSG

  Kiosk installed: $(cat "$PREFIX/VERSION" 2>/dev/null || echo "(dry run: $revision)")
  - code and virtualenv:  $PREFIX   (config: $ENV_FILE, journal: /var/lib/kiosk)
  - browser:              $CHROMIUM, as ${DESKTOP_USER} (kiosk-browser.service, user unit)

  Next steps / 次の手順:
MSG
if [ ${#missing[@]} -gt 0 ]; then
  cat <<MSG
  1. On the server, register this kiosk / サーバーでキオスクを登録:
       custody kiosk-register kiosk-3f --name "3F cabinet"
  2. Fill in ${missing[*]} / 設定を記入:
       sudoedit $ENV_FILE
  3. Reboot / 再起動:  sudo reboot
MSG
else
  cat <<MSG
  1. Reboot (first install) / 再起動（初回のみ）:  sudo reboot
MSG
fi
cat <<MSG
  Then check / 確認:
       systemctl status kiosk          journalctl -u kiosk -f
       curl -s http://127.0.0.1:8080/status
       pcsc_scan   (shows card UIDs: never paste its output into tickets / 出力をチケットに貼らない)

MSG
