"""Prometheus figures every service shares, and the way a service adds its own.

Counters live in the process (prometheus-client's default registry; summed over replicas by
Prometheus). Gauges that describe the database (outbox depth, incidents by status, ...) are read
at scrape time, so every replica reports the same value: take ``max`` over instances.

Metric objects are defined at import, as prometheus-client intends: they are plain counters in
memory, not connections or servers (those start in ``Ops.start``). Needs no database driver: the
kiosk uses ``gauge`` too.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterable

from nameko.events import EventHandler
from nameko.rpc import Rpc
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric

if TYPE_CHECKING:  # the kiosk uses gauge() and has no SQLAlchemy
    from sqlalchemy.orm import Session

requests_log = logging.getLogger("servicekit.requests")

RPC_REQUESTS = Counter("service_rpc_requests_total", "RPCs handled, by outcome: ok, refused (a refusal with its reason), "
                       "error (a failure)", ["service", "method", "outcome"])
RPC_DURATION = Histogram("service_rpc_duration_seconds", "Time to answer an RPC", ["service", "method"],
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
REFUSALS = Counter("service_refusals_total", "Requests refused, by reason code", ["service", "method", "code"])
EVENTS_HANDLED = Counter("service_events_handled_total", "Events consumed, by outcome (error: requeued or dropped)",
                         ["service", "event_type", "outcome"])
EVENTS_PUBLISHED = Counter("service_events_published_total", "Events the outbox relay published (confirmed by the broker)",
                           ["service", "event_type"])
LOOP_DURATION = Histogram("service_loop_tick_duration_seconds", "One round of a background loop (the sweep, a relay "
                          "batch, a reminder round, a sender batch)", ["service", "loop"],
                          buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60))
LOOP_FAILURES = Counter("service_loop_tick_failures_total", "Rounds of a background loop that failed (and were retried)",
                        ["service", "loop"])


def gauge(name: str, documentation: str, value: float | None = None, labels: dict[str, Any] | None = None,
          samples: Iterable[tuple[dict[str, Any], float]] = ()) -> GaugeMetricFamily:
    """A gauge read at scrape time: one value, or one sample per label set."""
    samples = list(samples) + ([(labels or {}, value)] if value is not None else [])
    names = sorted({key for sample_labels, _ in samples for key in sample_labels})
    family = GaugeMetricFamily(name, documentation, labels=names)
    for sample_labels, sample in samples:
        family.add_metric([str(sample_labels.get(key, "")) for key in names], float(sample))
    return family


class Figures:
    """What a service adds: counters from its RPC answers, gauges read from its database at scrape time."""

    def answered(self, method: str, answer: Any) -> None:
        """An RPC answered ``answer`` (its JSON form); count what it means."""

    def gauges(self, session: Session, now: datetime) -> Iterable[Metric]:
        return ()


class WorkerFigures:
    """Counts every RPC and event a worker handled, by outcome (refusals by their reason code), and logs
    one line for each: what it was, the outcome and the time taken, never its arguments (personal data)."""

    def __init__(self, service: str, figures: Figures):
        self.service, self.figures = service, figures
        self.started: dict = {}

    def setup(self, worker_ctx) -> None:
        self.started[worker_ctx] = time.monotonic()

    def result(self, worker_ctx, result, exc_info) -> None:
        started = self.started.pop(worker_ctx, None)
        entrypoint = worker_ctx.entrypoint
        exc = exc_info[1] if exc_info else None
        refused = exc is not None and isinstance(exc, entrypoint.expected_exceptions)
        outcome = "error" if exc is not None and not refused else "refused" if refused else "ok"
        took = time.monotonic() - started if started is not None else 0.0
        if isinstance(entrypoint, (Rpc, EventHandler)):
            # the health RPC answers docker's check every 15 s on every replica: a line each only when asked
            level = logging.DEBUG if entrypoint.method_name == "health" else logging.INFO
            requests_log.log(level, "%s %s: %s%s in %.0f ms", "rpc" if isinstance(entrypoint, Rpc) else "event",
                              getattr(entrypoint, "event_type", entrypoint.method_name), outcome,
                              f" ({getattr(exc, 'code', type(exc).__name__)})" if exc is not None else "", took * 1000)
        if isinstance(entrypoint, Rpc):
            method = entrypoint.method_name
            RPC_REQUESTS.labels(self.service, method, outcome).inc()
            RPC_DURATION.labels(self.service, method).observe(took)
            if refused:
                REFUSALS.labels(self.service, method, getattr(exc, "code", type(exc).__name__)).inc()
            elif outcome == "ok":
                self.figures.answered(method, result)
        elif isinstance(entrypoint, EventHandler):
            EVENTS_HANDLED.labels(self.service, entrypoint.event_type, outcome).inc()
