"""Replays the journal to custody in order, and keeps the offline roster fresh."""
from __future__ import annotations

import logging
import threading
import time

from contracts.errors import CustodyRefusal
from kiosk.custody_client import CustodyClient, CustodyUnavailable
from kiosk.journal import Journal
from servicekit import correlation

log = logging.getLogger("kiosk.sync")
RPC_FOR = {"checkout": "checkout", "return": "return_asset"}
STARTUP_GRACE = 60.0  # seconds custody may take to answer a starting kiosk before that is a warning


class Syncer(threading.Thread):
    """Background replay every few seconds; the screen also flushes right after each act."""

    def __init__(self, journal: Journal, client: CustodyClient, interval: float = 5.0,
                 roster_interval: float = 60.0, on_change=lambda: None):
        super().__init__(name="kiosk-sync", daemon=True)
        self.journal, self.client, self.interval, self.roster_interval = journal, client, interval, roster_interval
        self.on_change = on_change
        self.online: bool | None = None
        self.last_sync: float | None = None
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._roster_at = 0.0
        self._began, self._reached, self._warned = time.monotonic(), False, False

    def flush(self, current_seq: int | None = None) -> None:
        """Send every pending entry in order; stop at the first that cannot reach custody.

        A refusal of the entry being made now is shown to the person at the kiosk
        ("refused"); a refusal of an older, journalled entry is a conflict for a person to
        resolve, since the employee was told it was saved.
        """
        with self._flush_lock:
            for entry in self.journal.pending():
                try:
                    # the act's request id is its correlation id: custody, the events, incident and notify log it
                    with correlation.using(entry.request_id):
                        outcome = self.client.call(RPC_FOR[entry.op], **entry.payload, request_id=entry.request_id,
                                                   occurred_at=entry.occurred_at)
                        log.info("journal entry %d (%s) recorded by custody", entry.seq, entry.op)
                except CustodyRefusal as refusal:
                    status = "refused" if entry.seq == current_seq else "conflict"
                    self.journal.settle(entry.seq, status, refusal.to_dict())
                    if status == "conflict":
                        log.warning("journal entry %d was refused by custody on replay: %s", entry.seq, refusal.code)
                    continue
                except CustodyUnavailable as exc:
                    self.journal.attempted(entry.seq)
                    self.note_reachable(False, exc)
                    return
                self.journal.settle(entry.seq, "done", {"custody_id": outcome.get("custody_id"),
                                                         "due_at": outcome.get("due_at"),
                                                         "recovered": outcome.get("recovered", False),
                                                         "returned_for": _returned_for(entry.op, outcome)})
            self.note_reachable(True)
            self.last_sync = time.time()

    def refresh_roster(self) -> None:
        try:
            self.journal.save_roster(self.client.call("kiosk_roster"))
            self._roster_at = time.monotonic()
            self.note_reachable(True)
        except CustodyUnavailable as exc:
            self.note_reachable(False, exc)
        except CustodyRefusal as refusal:  # e.g. the kiosk was disabled
            log.error("custody refused the roster: %s", refusal.code)

    def note_reachable(self, online: bool, reason: Exception | None = None) -> None:
        """Record whether custody answered (the status bar shows it); any caller may report.

        Custody not answering yet when the kiosk starts is the normal start of a system (the services
        come up beside it): said once at INFO, and as a warning only if it lasts STARTUP_GRACE seconds.
        Losing custody after it had answered is a warning at once."""
        cause = f" ({reason})" if reason else ""
        if online == self.online:
            return
        if online:
            self._reached = True
            log.info("custody reachable")
        elif self.online is None:
            log.info("waiting for custody to answer%s; acts are journalled meanwhile", cause)
        else:
            log.warning("custody unreachable%s; acts are journalled and sent when it is back", cause)
        self.online = online
        self.on_change()

    def _warn_if_never_reached(self) -> None:
        if not self._reached and not self._warned and time.monotonic() - self._began > STARTUP_GRACE:
            self._warned = True
            log.warning("custody has not answered since the kiosk started %.0f s ago; acts are journalled",
                        time.monotonic() - self._began)

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.journal.pending():
                    self.flush()
                if time.monotonic() - self._roster_at > self.roster_interval or not self._roster_at:
                    self.refresh_roster()
                self._warn_if_never_reached()
            except Exception:  # keep syncing whatever one round did
                log.exception("sync round failed")
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()


def _returned_for(op: str, outcome: dict) -> str | None:
    """Whose checkout a return by someone else (or with no card) closed: the screen names them."""
    holder, by = outcome.get("holder") or {}, outcome.get("returned_by") or {}
    if op != "return" or not holder or by.get("employee_number") == holder.get("employee_number"):
        return None
    return holder.get("name")
