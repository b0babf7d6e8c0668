"""Whether a service can do its work, and why not: its database, its broker, each background loop.

The same report answers the ``health`` RPC (the docker health check runs it) and ``GET /ready``.
A loop is stuck when it is later than it planned by ``health_missed_intervals`` of its intervals
(at least ``health_min_stale_seconds``): a tick that blocks, or that fails every time, makes it so;
a loop that chose to wait (back-off while the broker or the SMTP relay is away) is not stuck.
"""
from __future__ import annotations

import time

import eventlet
from kombu import Connection
from sqlalchemy import text

CHECK_TIMEOUT = 5.0  # seconds: a database or broker that takes longer to answer counts as unreachable


def _check(probe) -> dict:
    try:
        with eventlet.Timeout(CHECK_TIMEOUT):
            return {"ok": True, "detail": probe()}
    except eventlet.Timeout:
        return {"ok": False, "detail": f"no answer in {CHECK_TIMEOUT:g} s"}
    except Exception as exc:  # any failure means unreachable; the class name says which (never the URL)
        return {"ok": False, "detail": type(exc).__name__}


def database(engine) -> dict:
    """A round trip to the database (``SELECT 1``)."""
    def probe():
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return engine.dialect.name
    return _check(probe)


def broker(amqp_uri: str) -> dict:
    """A fresh AMQP connection (log-in included) to the broker the service consumes from."""
    def probe():
        with Connection(amqp_uri, connect_timeout=CHECK_TIMEOUT) as conn:
            conn.connect()
        return "connected"
    return _check(probe)


def loop(state, settings, now: float | None = None) -> dict:
    """A background loop's last successful round, and whether it is later than it planned."""
    now = time.monotonic() if now is None else now
    stale_after = max(settings.health_missed_intervals * state.interval(), settings.health_min_stale_seconds)
    late = max(0.0, now - state.expected_by)
    ok = late <= stale_after
    if not ok:
        detail = f"stuck: {late:.0f} s late (limit {stale_after:g} s)"
    else:
        detail = "running" if state.last_success is not None else "starting"
    if ok and state.last_error:
        detail += f", last round failed: {state.last_error}"
    return {"ok": ok, "detail": detail,
            "last_run_seconds_ago": round(now - state.last_success, 1) if state.last_success is not None else None}


def report(service: str, engine, amqp_uri: str, loops: dict, settings) -> dict:
    """Every check; ``ok`` only if all pass."""
    checks = {"database": database(engine), "broker": broker(amqp_uri)}
    checks |= {name: loop(state, settings) for name, state in sorted(loops.items())}
    return {"ok": all(c["ok"] for c in checks.values()), "service": service, "checks": checks}
