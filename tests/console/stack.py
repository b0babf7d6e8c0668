"""The console on one machine: a migrated incident database with one user per role and two incidents,
the Flask app on a free port in a thread, and helpers to sign in over plain HTTP."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import requests
from sqlalchemy.orm import Session

from contracts import events as ev
from contracts.examples import EXAMPLES
from incident.console import create_app
from incident.console.users import add_user
from incident.handlers import closing, opening
from incident.roles import ROLES, SYSTEM
from servicekit.db import make_engine
from tests.kiosk.stack import KioskServer

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console-screens"
SMALL, LARGE = "INC-2026-0001", "INC-2026-0002"  # no duty yet / APPI and GDPR deadlines running
NAMES = {"viewer": "閲覧 太郎", "responder": "対応 花子", "privacy_officer": "保護 一郎", "admin": "管理 次郎"}
_LOSS = next(e for e in EXAMPLES if isinstance(e, ev.PossibleLossDetected))


def password(role: str) -> str:
    return f"{role}-password-2026"


def seed(db_url: str) -> None:
    """A user per role; a laptop with 300 customers' names and emails (no duty until the report says more), and
    one with 1,200 persons, EU data and the key kept with the device (deadlines running, one open action)."""
    now = datetime.now(timezone.utc)
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        for role in ROLES:
            add_user(session, role, NAMES[role], role, password(role))
        weak = _LOSS.protection.model_copy(update={"key_stored_separately": False})
        small = _LOSS.model_copy(update={
            "event_id": "00000000-0000-4000-8000-0000000000a1", "protection": weak,
            "data_inventory": ev.DataInventory(categories=("name", "email"), customer_ids=("C-100",), approx_persons=300)})
        opening.open_from_possible_loss(session, "INC", small, now)
        large = _LOSS.model_copy(update={"event_id": "00000000-0000-4000-8000-0000000000a2", "protection": weak,
                                         "asset": _LOSS.asset.model_copy(update={"tag": "LT-0002"})})
        opening.open_from_possible_loss(session, "INC", large, now)
        closing.add_action(session, SYSTEM, LARGE, {"description": "持ち出し時の二重確認", "owner": "総務部",
                                                    "due_on": "2026-12-20"}, now=now)
    engine.dispose()


class ConsoleServer(KioskServer):
    """The console app on a free port, in a thread (the kiosk's server without its reader and syncer)."""

    def __init__(self, db_url: str, **config):
        super().__init__(create_app({"DB_URL": db_url, "SECRET_KEY": "console-test-secret-key-0123456789"} | config))

    def stop(self):
        self.server.shutdown()
        self.app.extensions["incident_engine"].dispose()


def token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def http_login(base: str, role: str) -> tuple[requests.Session, str]:
    """A signed-in HTTP session and its CSRF token, as a browser would hold them."""
    client = requests.Session()
    answer = client.post(base + "login", data={"username": role, "password": password(role),
                                               "csrf_token": token(client.get(base + "login").text)},
                         allow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client, token(client.get(base).text)
