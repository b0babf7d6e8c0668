"""The kiosk's screens as a state machine: card taps, scans and touches in, one screen out.

All logic is here, on the server; the page only shows the screen it is sent and posts
what the person did. Calls into custody happen under the lock, so one act is finished
before the next begins.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field, replace

from contracts.cards import card_hash
from contracts.errors import CustodyRefusal
from contracts.labels import PREFIX, problem_params, unverified_tag, valid_tag
from kiosk.custody_client import CustodyClient, CustodyUnavailable
from kiosk.journal import Journal
from kiosk.settings import KioskSettings
from kiosk.sync import Syncer

log = logging.getLogger("kiosk.controller")


@dataclass(frozen=True)
class Screen:
    name: str = "idle"            # idle, greeted, confirm, result
    lang: str = "ja"
    employee: dict | None = None  # name, employee_number, card_hash, offline
    data: dict = field(default_factory=dict)
    until: float | None = None    # monotonic time at which the screen falls back to idle


class Controller:
    def __init__(self, settings: KioskSettings, client: CustodyClient, journal: Journal, syncer: Syncer,
                 publish=lambda screen: None, clock=time.monotonic):
        self.settings, self.client, self.journal, self.syncer = settings, client, journal, syncer
        self.publish, self.clock = publish, clock
        self.screen = Screen(lang=settings.language)
        self._lock = threading.RLock()

    # -- what the person does ------------------------------------------------------------
    def card_tapped(self, uid: bytes) -> None:
        """An IC card on the reader: hash its UID here, greet its holder or say why not."""
        hashed = card_hash(uid, self.settings.card_key)
        with self._lock:
            try:
                found = self.client.call("employee_by_card", card_hash=hashed)
                employee = {"name": found["name"], "employee_number": found["employee_number"],
                            "language": found.get("language"), "offline": False}
            except CustodyRefusal as refusal:
                return self._result("refused", refusal=refusal.to_dict())
            except CustodyUnavailable as exc:
                self.syncer.note_reachable(False, exc)
                cached = next((e for e in self.journal.roster()["employees"] if e["card_hash"] == hashed), None)
                if cached is None:
                    return self._result("refused", refusal=CustodyRefusal("card_unknown").to_dict(), offline=True)
                employee = {"name": cached["name"], "employee_number": cached["employee_number"],
                            "language": cached.get("language"), "offline": True}
            self._show("greeted", employee=employee | {"card_hash": hashed}, idle=True, lang=employee["language"])

    def scanned(self, text: str) -> None:
        """A label scanned (or a tag typed on the keypad): preview, then return at once or confirm a checkout."""
        text = (text or "").strip()
        scan = {"label": text} if text.startswith(PREFIX + ".") else {"tag": text.upper()}
        with self._lock:
            employee = self.screen.employee
            holder = employee["card_hash"] if employee else None
            try:
                preview = self.client.call("preview_scan", card_hash=holder, **scan)
            except CustodyRefusal as refusal:
                return self._result("refused", refusal=refusal.to_dict())
            except CustodyUnavailable as exc:
                self.syncer.note_reachable(False, exc)
                return self._offline_scan(scan, employee)
            if preview["action"] == "return":
                return self._act("return", scan | {"card_hash": holder}, asset=preview["asset"])
            self._show("confirm", employee=employee, idle=True,
                       data={"scan": scan, "asset": preview["asset"], "due_at": preview["due_at"], "offline": False})

    def confirmed(self, action: str = "checkout") -> None:
        """The one touch that takes the asset out (or, offline, says which way it goes)."""
        with self._lock:
            if self.screen.name != "confirm" or action not in ("checkout", "return"):
                return
            scan, employee = self.screen.data["scan"], self.screen.employee
            holder = employee["card_hash"] if employee else None
            self._act(action, scan | {"card_hash": holder}, asset=self.screen.data["asset"])

    def cancelled(self) -> None:
        with self._lock:
            if self.screen.employee and self.screen.name == "confirm":
                self._show("greeted", employee=self.screen.employee, idle=True)
            else:
                self._show("idle")

    def language(self, lang: str) -> None:
        with self._lock:
            if lang in ("ja", "en"):
                self.screen = replace(self.screen, lang=lang)
                self.publish(self.screen)

    def tick(self) -> None:
        """Called every second: a screen left alone returns to idle and forgets the employee."""
        with self._lock:
            if self.screen.until is not None and self.clock() >= self.screen.until:
                self._show("idle")

    # -- how it is carried out ---------------------------------------------------------------
    def _act(self, op: str, payload: dict, asset: dict | None) -> None:
        entry = self.journal.add(op, payload)  # on disk before custody hears of it
        self.syncer.flush(current_seq=entry.seq)
        entry = self.journal.get(entry.seq)
        if entry.status == "refused":
            return self._result("refused", refusal=entry.outcome)
        outcome = entry.outcome or {}
        kind = {"pending": "saved_offline", "done": "recovered" if outcome.get("recovered") else op}
        self._result(kind.get(entry.status, op), asset=asset, due_at=outcome.get("due_at"),
                     for_holder=outcome.get("returned_for"))

    def _offline_scan(self, scan: dict, employee: dict | None) -> None:
        tag = unverified_tag(scan["label"]) if "label" in scan else scan["tag"]
        if not tag or not valid_tag(tag):
            refusal = CustodyRefusal("label_invalid", problem_params("not an asset label"))
            return self._result("refused", refusal=refusal.to_dict())
        asset = next((a for a in self.journal.roster()["assets"] if a["tag"] == tag), {"tag": tag})
        if employee is None:  # only a return is possible without a card
            return self._act("return", scan | {"card_hash": None}, asset=asset)
        self._show("confirm", employee=employee, idle=True,
                   data={"scan": scan, "asset": asset, "due_at": None, "offline": True})

    def _result(self, kind: str, **data) -> None:
        if kind == "refused":
            log.info("refused: %s", (data.get("refusal") or {}).get("code"))
        self._show("result", employee=None, data={"kind": kind, **data}, seconds=self.settings.result_seconds)

    def _show(self, name: str, employee: dict | None = None, data: dict | None = None,
              idle: bool = False, seconds: float | None = None, lang: str | None = None) -> None:
        """Show a screen; greeting switches to the employee's language, idle back to the kiosk's."""
        wait = self.settings.idle_seconds if idle else seconds
        if name == "idle":
            lang = self.settings.language
        lang = lang if lang in ("ja", "en") else self.screen.lang
        self.screen = Screen(name=name, lang=lang, employee=employee, data=data or {},
                             until=self.clock() + wait if wait else None)
        self.publish(self.screen)
