"""See the whole path on a running ./run.sh: take LT-0002 out for 佐藤 with a due time a few seconds
ahead, then watch custody flag it, incident open the incident and notify send the e-mails.

    .venv/bin/python scripts/demo_overdue.py
"""
from __future__ import annotations

import mailbox
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from email.header import decode_header, make_header
from pathlib import Path

from nameko.standalone.rpc import ClusterRpcProxy

import contracts.rpc  # noqa: F401
from contracts.cards import card_hash
from contracts.errors import CustodyRefusal

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / (os.environ.get("RUN_VAR_DIR") or "var")  # as ./run.sh has it (a relative one is in the checkout)
ADMIN = {"name": "demo", "role": "admin"}


def secrets() -> dict:
    pairs = (line.split("=", 1) for line in (VAR / "secrets.env").read_text().splitlines() if "=" in line)
    return {key: value for key, value in pairs}


def main() -> int:
    env = secrets()
    config = {"AMQP_URI": os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")}
    sato = card_hash("0102030405060701", env["CUSTODY_CARD_KEY"].encode())
    kiosk = {"kiosk_id": "kiosk-dev", "kiosk_secret": env["KIOSK_SECRET"]}
    mail_dir = VAR / "mail"
    before = len(mailbox.Maildir(mail_dir)) if mail_dir.exists() else 0
    with ClusterRpcProxy(config, timeout=10) as rpc:
        due = datetime.now(timezone.utc) + timedelta(seconds=3)
        try:
            out = rpc.custody.checkout(**kiosk, card_hash=sato, tag="LT-0002", due_at=due.isoformat())
        except CustodyRefusal as refusal:
            print(refusal.message("ja"), "/", refusal.message("en"), file=sys.stderr)
            return 1
        print(f"checked out {out['asset']['tag']} to {out['holder']['name']}, due {due:%H:%M:%S} UTC")
        started = time.monotonic()
        incident = None
        while time.monotonic() - started < 30 and incident is None:
            time.sleep(0.2)
            found = [i for i in rpc.incident.list_incidents(ADMIN) if (i["asset"] or {}).get("tag") == "LT-0002"]
            incident = found[0] if found else None
        if incident is None:
            print("no incident within 30 s: are the services running (./run.sh)?", file=sys.stderr)
            return 1
        print(f"incident {incident['reference']} opened {time.monotonic() - started:.1f} s after checkout "
              f"(due + sweep): {incident['title']}")
    deadline = time.monotonic() + 20
    # the holder at once; the manager, the privacy officer and the security team once the incident is open
    while time.monotonic() < deadline and len(mailbox.Maildir(mail_dir)) < before + 4:
        time.sleep(0.5)
    messages = list(mailbox.Maildir(mail_dir))[before:]
    print(f"{len(messages)} new e-mail(s) in {mail_dir}:")
    for message in messages:
        print(f"  to {make_header(decode_header(message['To']))}: {make_header(decode_header(message['Subject']))}")
    print(f"console: http://127.0.0.1:8090/incidents/{incident['reference']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
