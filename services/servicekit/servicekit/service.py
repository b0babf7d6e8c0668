"""The base of every nameko service here: the plumbing each one declares the same way."""
from __future__ import annotations

from sqlalchemy.orm import Session

from servicekit.dependencies import Config, DbSession, Store
from servicekit.outbox import Outbox
from servicekit.relay import OutboxRelay


class Service:
    """``class CustodyService(Service, store=STORE, outbox=OUTBOX)``, with ``name`` set in the body.

    Workers get ``self.config`` (the store: settings and what the service builds from them) and
    ``self.db`` (a Session of their own); an outbox relay publishes to ``<name>.events``.
    """
    name: str
    config: Store
    db: Session

    def __init_subclass__(cls, *, store: Store, outbox: Outbox, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.config, cls.db = Config(store), DbSession(store)
        cls.relay = OutboxRelay(store, cls.name, outbox)
