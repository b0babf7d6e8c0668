"""What ops see of a running service: ``GET /health`` (alive), ``GET /ready`` (servicekit.health: 503
when not ready) and ``GET /metrics`` (Prometheus), served on the service's ``ops_address`` by a small
WSGI server of its own (not a nameko worker: a busy worker pool must not silence it); workers reach
the same readiness report through ``self.ops`` for the ``health`` RPC.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Callable

import eventlet
import eventlet.wsgi
from nameko.constants import AMQP_URI_CONFIG_KEY
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from servicekit import health
from servicekit.dependencies import BackgroundLoop, StoreUser
from servicekit.metrics import Figures, WorkerFigures, gauge

log = logging.getLogger(__name__)


class _Quiet:
    """eventlet.wsgi's access log, dropped: scrapes and probes every few seconds are noise."""
    def write(self, *_):
        pass


class Ops(StoreUser):
    """The ops HTTP server, readiness for the health RPC, and the service's figures."""

    def __init__(self, store, outbox, figures: Figures | None = None):
        super().__init__(store)
        self.outbox, self.figures = outbox, figures or Figures()

    def setup(self):
        self.workers = WorkerFigures(self.container.service_name, self.figures)

    def start(self):
        host, port = self.store.settings.ops_address.rsplit(":", 1)
        self.socket = eventlet.listen((host or "0.0.0.0", int(port)))
        self.address = "%s:%d" % self.socket.getsockname()[:2]
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)
        self._gt = self.container.spawn_managed_thread(self._serve, identifier="ops-http")
        log.info("ops http on http://%s (/health, /ready, /metrics)", self.address)

    def _serve(self):
        eventlet.wsgi.server(self.socket, self.wsgi, log=_Quiet(), log_output=False, debug=False)

    def stop(self):
        self._gt.kill()
        self.socket.close()

    kill = stop

    def get_dependency(self, worker_ctx):
        return self

    def worker_setup(self, worker_ctx):
        self.workers.setup(worker_ctx)

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        self.workers.result(worker_ctx, result, exc_info)

    # --- readiness ------------------------------------------------------------------------
    def loops(self) -> dict[str, BackgroundLoop]:
        return {e.name: e for e in self.container.extensions if isinstance(e, BackgroundLoop)}

    def report(self) -> dict:
        return health.report(self.container.service_name, self.store.engine,
                             self.container.config[AMQP_URI_CONFIG_KEY], self.loops(), self.store.settings)

    def health(self, figures: Callable[[], dict] = dict) -> dict:
        """The readiness report with the service's figures (left out while the database is unreachable)."""
        answer = self.report()
        if answer["checks"]["database"]["ok"]:
            try:
                answer |= figures()
            except SQLAlchemyError as exc:  # went away between the check and the figures
                answer["ok"], answer["checks"]["database"] = False, {"ok": False, "detail": type(exc).__name__}
        return answer

    # --- Prometheus -------------------------------------------------------------------------
    def collect(self):
        """Scrape time: readiness, each loop's last success, the outbox, and the service's own gauges."""
        answer = self.report()
        yield gauge("service_ready", "1 when every check passes (database, broker, loops)", float(answer["ok"]))
        yield gauge("service_check_ok", "Each readiness check: 1 passing, 0 failing",
                    samples=[({"check": name}, float(c["ok"])) for name, c in answer["checks"].items()])
        yield gauge("service_loop_last_success_age_seconds", "Seconds since each background loop's last good round",
                    samples=[({"loop": name}, c["last_run_seconds_ago"]) for name, c in answer["checks"].items()
                             if c.get("last_run_seconds_ago") is not None])
        if not answer["checks"]["database"]["ok"]:
            return
        now = datetime.now(timezone.utc)
        try:
            with Session(self.store.loop_engine) as session:
                pending, oldest = self.outbox.backlog(session, now)
                yield gauge("service_outbox_pending_events", "Events written but not yet published", pending)
                yield gauge("service_outbox_oldest_pending_age_seconds", "Age of the oldest unpublished event (0: none)",
                            oldest)
                yield from self.figures.gauges(session, now)
                session.commit()
        except SQLAlchemyError as exc:
            log.warning("figures for /metrics unavailable: %s", type(exc).__name__)

    # --- HTTP -------------------------------------------------------------------------------
    def wsgi(self, environ, start_response):
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return _answer(start_response, "405 Method Not Allowed", {"error": "GET only"})
        if path == "/health":
            return _answer(start_response, "200 OK", {"status": "alive", "service": self.container.service_name})
        if path == "/ready":
            answer = self.report()
            return _answer(start_response, "200 OK" if answer["ok"] else "503 Service Unavailable", answer)
        if path == "/metrics":
            body = generate_latest(REGISTRY) + generate_latest(self.registry)
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(body)))])
            return [body]
        return _answer(start_response, "404 Not Found", {"error": "not found", "paths": ["/health", "/ready", "/metrics"]})


def _answer(start_response, status: str, body: dict):
    data = json.dumps(body, ensure_ascii=False).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                            ("Cache-Control", "no-store")])
    return [data]
