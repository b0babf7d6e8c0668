"""``/health``, ``/ready`` and ``/metrics`` for the Flask apps (the console, the kiosk): the same answers
as servicekit.ops gives for the nameko services, so one health check and one scrape config fit all.

Imports only Flask and prometheus-client (the kiosk has no database driver).
"""
from __future__ import annotations

import logging
from typing import Callable

from flask import Blueprint, Response, jsonify
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

log = logging.getLogger(__name__)


def blueprint(service: str, ready: Callable[[], dict], registry: CollectorRegistry | None = None) -> Blueprint:
    """``ready()`` answers ``{"ok": bool, "checks": {name: {"ok": bool, "detail": str}}}``; 503 when not ok."""
    bp = Blueprint("ops", __name__)

    @bp.get("/health")
    def alive():
        """Liveness: the process serves requests."""
        return jsonify(status="alive", service=service)

    @bp.get("/ready")
    def readiness():
        """Readiness: every check passes (else 503 naming the failing ones)."""
        try:
            answer = {"service": service} | ready()
        except Exception as exc:  # a check that cannot even run means not ready; say which kind of failure
            log.warning("readiness check failed: %s", type(exc).__name__)
            answer = {"service": service, "ok": False, "checks": {"app": {"ok": False, "detail": type(exc).__name__}}}
        return jsonify(answer), 200 if answer["ok"] else 503

    @bp.get("/metrics")
    def metrics():
        """Prometheus: the process's figures and the app's own."""
        body = generate_latest(REGISTRY) + (generate_latest(registry) if registry is not None else b"")
        return Response(body, content_type=CONTENT_TYPE_LATEST)

    return bp


def database_ready(engine) -> Callable[[], dict]:
    """A readiness check for an app whose work needs its database (the console): ``SELECT 1``."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    def ready() -> dict:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            check = {"ok": True, "detail": engine.dialect.name}
        except SQLAlchemyError as exc:
            check = {"ok": False, "detail": type(exc).__name__}
        return {"ok": check["ok"], "checks": {"database": check}}
    return ready
