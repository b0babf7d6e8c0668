"""The kiosk's figures for Prometheus and its readiness, read when asked (``/metrics``, ``/ready``).

The kiosk keeps working without custody (it journals offline) and shows a missing reader on screen,
so neither makes it "not ready": ready means the app serves and its journal can be read. The figures
let alerts catch the rest: the reader down, custody unreachable, a journal that does not drain.
"""
from __future__ import annotations

from datetime import datetime, timezone

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from kiosk.journal import Journal
from servicekit.metrics import gauge

READER_STATES = ("connected", "no_reader", "service_down", "starting", "demo")
JOURNAL_STATES = ("pending", "done", "refused", "conflict")


class KioskFigures:
    """Reader state, custody reachable, the journal's entries and its oldest waiting act."""

    def __init__(self, kiosk_id: str, journal: Journal, reader_state: dict, syncer):
        self.kiosk_id, self.journal, self.reader_state, self.syncer = kiosk_id, journal, reader_state, syncer

    def collect(self):
        kiosk = {"kiosk": self.kiosk_id}
        state = self.reader_state["reader"]
        yield gauge("kiosk_reader_state", "The card reader's state: 1 for the current one",
                    samples=[(kiosk | {"state": s}, float(s == state)) for s in {*READER_STATES, state}])
        yield gauge("kiosk_custody_reachable", "1 when custody answered the last call, 0 when it did not "
                    "(the kiosk journals offline)", float(bool(self.syncer.online)), kiosk)
        counts = self.journal.counts()
        yield gauge("kiosk_journal_entries", "Acts in the offline journal by status (pending: not yet in custody)",
                    samples=[(kiosk | {"status": s}, counts.get(s, 0)) for s in JOURNAL_STATES])
        oldest = self.journal.oldest_pending()
        age = (datetime.now(timezone.utc) - datetime.fromisoformat(oldest)).total_seconds() if oldest else 0.0
        yield gauge("kiosk_journal_oldest_pending_age_seconds", "Age of the oldest act not yet in custody (0: none)",
                    max(0.0, age), kiosk)

    def registry(self) -> CollectorRegistry:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(self)
        return registry

    def serve(self, address: str) -> None:
        """``/metrics`` on an address of its own (a thread): on a Pi the app listens on 127.0.0.1 only."""
        host, port = address.rsplit(":", 1)
        registry = self.registry()
        for collector in (ProcessCollector, PlatformCollector, GCCollector):
            collector(registry=registry)
        start_http_server(int(port), host or "0.0.0.0", registry=registry)

    def ready(self) -> dict:
        counts = self.journal.counts()  # raises if the journal cannot be read
        checks = {"journal": {"ok": True, "detail": f"{counts.get('pending', 0)} pending"},
                  "reader": {"ok": True, "detail": self.reader_state["reader"]},
                  "custody": {"ok": True, "detail": {True: "reachable", False: "unreachable (journalling offline)",
                                                     None: "not asked yet"}[self.syncer.online]}}
        return {"ok": True, "checks": checks}
