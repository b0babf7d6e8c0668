"""The correlation id: one id per act at the kiosk, carried through every service, event and e-mail it causes.

It travels as nameko context data (the AMQP header ``nameko.correlation_id``): the kiosk's RPC client
sets it, a worker runs under it (``CorrelationId``), the rows a worker writes keep it (a column whose
default is ``current()``: outbox rows, custody records, incidents, deliveries), the outbox relay puts
it back in the event's headers, and a background loop that acts on a row runs ``using()`` the row's
id. Every log line carries the id in force (servicekit.logs), so one grep follows one checkout.
"""
from __future__ import annotations

import contextvars
import re
import uuid
from contextlib import contextmanager

from nameko.extensions import DependencyProvider

KEY = "correlation_id"  # the context-data key; nameko sends it as the header nameko.correlation_id
HEADER = f"nameko.{KEY}"
# each green thread (a nameko worker) and each OS thread (kiosk, console) has its own value
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar(KEY, default=None)
# what a caller may send: it is stored (64 characters) and logged, so nothing longer and no line breaks
_VALID = re.compile(r"^[A-Za-z0-9:._-]{1,64}$")


def current() -> str | None:
    return _current.get()


def new() -> str:
    return uuid.uuid4().hex


@contextmanager
def using(correlation_id: str | None):
    """Run a block under this id (None: none in force), e.g. a loop handling one row."""
    token = _current.set(correlation_id)
    try:
        yield correlation_id
    finally:
        _current.reset(token)


class CorrelationId(DependencyProvider):
    """Each worker runs under the correlation id its message carried, or a new one if it carried none."""

    def setup(self):
        self.tokens = {}

    def worker_setup(self, worker_ctx):
        given = worker_ctx.data.get(KEY)
        correlation_id = given if isinstance(given, str) and _VALID.match(given) else new()
        worker_ctx.data[KEY] = correlation_id  # passed on with any RPC or event the worker sends itself
        self.tokens[worker_ctx] = _current.set(correlation_id)

    def get_dependency(self, worker_ctx):
        return worker_ctx.data.get(KEY)

    def worker_teardown(self, worker_ctx):
        token = self.tokens.pop(worker_ctx, None)
        if token is not None:
            _current.reset(token)
