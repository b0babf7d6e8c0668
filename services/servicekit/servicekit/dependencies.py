"""nameko DependencyProviders shared by the services: settings, one DB session per worker, background loops.

A service makes one ``Store`` (how to read its settings) and hands it to each provider; nameko shares
the bound store between them (servicekit.service.Service declares the usual ones):

    STORE = Store(settings.from_config)
    class CustodyService(Service, store=STORE, outbox=OUTBOX): sweeper = OverdueSweeper(STORE)
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable

import eventlet
from eventlet.event import Event as GreenEvent
from nameko.extensions import DependencyProvider, SharedExtension
from sqlalchemy.orm import Session

from servicekit.db import make_engine
from servicekit.metrics import LOOP_DURATION, LOOP_FAILURES

log = logging.getLogger(__name__)


class Store(SharedExtension):
    """The service's settings and engine, shared by every provider in the container.

    ``load_settings(config)`` gives validated settings with at least ``db_url`` (and the outbox_* knobs
    when an OutboxRelay runs); a service that builds more from them at start-up extends ``setup``.
    """

    def __init__(self, load_settings: Callable[[dict], Any]):
        self.load_settings = load_settings

    def setup(self):
        self.settings = self.load_settings(self.container.config)
        size = self.settings.db_pool_size
        self.engine = make_engine(self.settings.db_url, pool_size=size, max_overflow=size)
        # Background loops (outbox relay, sweepers, senders) get connections of their own, so a burst
        # of workers holding the whole pool cannot starve them: events keep flowing under load.
        # SQLite stays on one connection per process (a second one can deadlock eventlet's hub).
        self.loop_engine = self.engine if self.engine.dialect.name == "sqlite" else \
            make_engine(self.settings.db_url, pool_size=3, max_overflow=2)
        self.on_outbox_written = lambda: None  # the outbox relay installs its wake-up here

    def outbox_written(self):
        """Tell the relay that events were committed outside a worker (by a background loop)."""
        self.on_outbox_written()

    def stop(self):
        self.engine.dispose()
        if self.loop_engine is not self.engine:
            self.loop_engine.dispose()


class StoreUser(DependencyProvider):
    """A provider that works from the service's store."""

    def __init__(self, store: Store):
        self.store = store


class Config(StoreUser):
    """Gives workers the store: validated settings and whatever the service derives from them."""

    def get_dependency(self, worker_ctx):
        return self.store


class DbSession(StoreUser):
    """One Session per worker, closed (and rolled back if uncommitted) at teardown."""

    def setup(self):
        self.sessions = {}

    def get_dependency(self, worker_ctx):
        session = Session(self.store.engine, expire_on_commit=False)
        self.sessions[worker_ctx] = session
        return session

    def worker_teardown(self, worker_ctx):
        session = self.sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()


class BackgroundLoop(StoreUser):
    """A green thread that runs ``tick()`` until stopped; any worker's end wakes it early.

    ``name`` labels its figures and its health check; ``interval_setting`` names the setting of its usual
    wait, the unit in which servicekit.health judges whether it is stuck. A round that works through
    many items calls ``beat()`` for each, so a long round is not taken for a stuck one.
    """
    name = "loop"
    interval_setting = ""

    def start(self):
        self.last_success: float | None = None
        self.expected_by = time.monotonic()  # when the next round should start (a loop that never runs is stuck)
        self.last_error = ""
        self._running, self._wake = True, GreenEvent()
        self._gt = self.container.spawn_managed_thread(self._run)

    def stop(self):
        self._running = False
        self.wake()
        self._gt.wait()

    def kill(self):
        self._running = False
        self._gt.kill()

    def wake(self):
        if not self._wake.ready():
            self._wake.send(True)

    def worker_teardown(self, worker_ctx):
        self.wake()

    def interval(self) -> float:
        """The loop's usual wait between rounds, seconds."""
        return float(getattr(self.store.settings, self.interval_setting)) if self.interval_setting else 1.0

    def beat(self) -> None:
        """Progress (a round finished, or one item of a long round done): the loop is alive."""
        self.last_success = self.expected_by = time.monotonic()

    def _run(self):
        service = self.container.service_name
        while self._running:
            self._wake = GreenEvent()  # reset before the tick, so a wake during it is kept
            started = time.monotonic()
            try:
                delay = self.tick()
            except Exception as exc:  # a broken tick must not kill the loop; the reason is logged
                log.exception("%s failed; retrying", type(self).__name__)
                LOOP_FAILURES.labels(service, self.name).inc()
                self.last_error = type(exc).__name__
                delay = 2.0
            else:
                self.beat()
                self.expected_by += max(delay, 0)
                self.last_error = ""
            LOOP_DURATION.labels(service, self.name).observe(time.monotonic() - started)
            if not self._running:
                break
            with eventlet.Timeout(max(delay, 0), False):
                self._wake.wait()

    def tick(self) -> float:
        raise NotImplementedError

    def session(self) -> Session:
        return Session(self.store.loop_engine, expire_on_commit=False)
