"""nameko DependencyProviders shared by the services: settings, one DB session per worker, background loops.

A service subclasses ``Store`` (how to read its settings) and binds the providers to it:

    class Store(servicekit.Store): ...
    class DbSession(servicekit.DbSession): store = Store()
"""
from __future__ import annotations

import logging

import eventlet
from eventlet.event import Event as GreenEvent
from nameko.extensions import DependencyProvider, SharedExtension
from sqlalchemy.orm import Session

from servicekit.db import make_engine

log = logging.getLogger(__name__)


class Store(SharedExtension):
    """The service's settings and engine, shared by every provider in the container."""

    def load_settings(self, config: dict):
        """Validated settings with at least ``db_url`` (and the outbox_* knobs when an OutboxRelay runs)."""
        raise NotImplementedError

    def setup(self):
        self.settings = self.load_settings(self.container.config)
        self.engine = make_engine(self.settings.db_url)
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


class Config(DependencyProvider):
    """Gives workers the store: validated settings and whatever the service derives from them."""
    store: Store

    def get_dependency(self, worker_ctx):
        return self.store


class DbSession(DependencyProvider):
    """One Session per worker, closed (and rolled back if uncommitted) at teardown."""
    store: Store

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


class BackgroundLoop(DependencyProvider):
    """A green thread that runs ``tick()`` until stopped; any worker's end wakes it early."""
    store: Store

    def start(self):
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

    def _run(self):
        while self._running:
            self._wake = GreenEvent()  # reset before the tick, so a wake during it is kept
            try:
                delay = self.tick()
            except Exception:  # a broken tick must not kill the loop; the reason is logged
                log.exception("%s failed; retrying", type(self).__name__)
                delay = 2.0
            if not self._running:
                break
            with eventlet.Timeout(max(delay, 0), False):
                self._wake.wait()

    def tick(self) -> float:
        raise NotImplementedError

    def session(self) -> Session:
        return Session(self.store.loop_engine, expire_on_commit=False)
