#!/usr/bin/env bash
# System packages for the kiosk's card reader (pcscd, and vpcd for the virtual test reader),
# then pyscard into the given virtualenv. Safe to run again: it only does what is missing.
#   scripts/install_kiosk_deps.sh [/path/to/venv/bin/python]
set -euo pipefail
VENV_PY="${1:-}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
PACKAGES=(pcscd libpcsclite-dev swig vsmartcard-vpcd gcc python3-dev)

missing=""
for cmd in pcscd swig gcc; do
  command -v "$cmd" >/dev/null 2>&1 || missing=1
done
for pkg in "${PACKAGES[@]}"; do
  # dpkg-query also catches the library/header packages that have no command of their own
  [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" = "install ok installed" ] || missing=1
done
if [ -n "$missing" ]; then
  echo "==> installing PC/SC packages: ${PACKAGES[*]}" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
fi

if [ -n "$VENV_PY" ]; then
  # pyscard 2.3.1 builds from source here (swig + gcc + libpcsclite-dev, installed above)
  if ! "$VENV_PY" -c 'import smartcard' >/dev/null 2>&1; then
    echo "==> installing pyscard into $VENV_PY" >&2
    "$VENV_PY" -m pip install -q --disable-pip-version-check pyscard==2.3.1
  fi
fi
exit 0
