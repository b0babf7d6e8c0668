"""The base of every nameko service here: the plumbing each one declares the same way."""
from __future__ import annotations

from sqlalchemy.orm import Session

from servicekit.correlation import CorrelationId
from servicekit.dependencies import Config, DbSession, Store
from servicekit.metrics import Figures
from servicekit.ops import Ops
from servicekit.outbox import Outbox
from servicekit.relay import OutboxRelay


class Service:
    """``class CustodyService(Service, store=STORE, outbox=OUTBOX, figures=FIGURES)``, with ``name`` set in the body.

    Workers get ``self.config`` (the store: settings and what the service builds from them), ``self.db``
    (a Session of their own) and ``self.ops`` (readiness, for the health RPC); each worker runs under
    its message's correlation id; an outbox relay publishes to ``<name>.events``; ``/health``,
    ``/ready`` and ``/metrics`` are served on the ``ops_address`` setting, with ``figures`` (a
    servicekit.metrics.Figures) adding the service's own counters and gauges.
    """
    name: str
    config: Store
    db: Session
    ops: Ops

    def __init_subclass__(cls, *, store: Store, outbox: Outbox, figures: Figures | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.config, cls.db = Config(store), DbSession(store)
        cls.relay = OutboxRelay(store, cls.name, outbox)
        cls.ops = Ops(store, outbox, figures)
        cls.correlation_id = CorrelationId()
