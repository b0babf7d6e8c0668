"""The incident console: a Flask app for the security/privacy team (login, roles, one page per incident)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import Flask, g
from sqlalchemy.orm import Session

from servicekit import remote
from servicekit import webops
from servicekit.db import make_engine


def create_app(config: dict) -> Flask:
    """Build the console; ``config`` needs DB_URL and SECRET_KEY (LANGUAGE, TIMEZONE, CLOCK are optional)."""
    for key in ("DB_URL", "SECRET_KEY"):
        if not config.get(key):
            raise ValueError(f"the console needs {key}")
    app = Flask(__name__)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_NAME="incident_console",
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=8), MAX_CONTENT_LENGTH=1024 * 1024,
                      LANGUAGE="ja", TIMEZONE="Asia/Tokyo", REFERENCE_PREFIX="INC",
                      AMQP_URI="amqp://guest:guest@127.0.0.1:5672/")  # the delivery log comes from notify
    app.config.update(config)
    if app.config["LANGUAGE"] not in ("ja", "en"):
        raise ValueError("LANGUAGE must be ja or en")
    app.extensions["incident_engine"] = make_engine(app.config["DB_URL"])
    app.extensions["incident_clock"] = app.config.get("CLOCK") or (lambda: datetime.now(timezone.utc))
    app.extensions["incident_tz"] = ZoneInfo(app.config["TIMEZONE"])
    remote.load_client()  # here, in the worker's main thread: requests run in other threads

    from incident.console import actions, admin, auth, deliveries, i18n, pages
    for blueprint in (auth.bp, pages.bp, actions.bp, admin.bp, deliveries.bp):
        app.register_blueprint(blueprint)
    # /health, /ready (the database answers) and /metrics, without log-in: they say nothing about incidents
    app.register_blueprint(webops.blueprint("console", webops.database_ready(app.extensions["incident_engine"])))
    i18n.install(app)

    @app.teardown_appcontext
    def close_db(_exc):
        db = g.pop("incident_db", None)
        if db is not None:
            db.close()
    return app


def db() -> Session:
    """This request's session (one per request, closed at its end)."""
    from flask import current_app
    if "incident_db" not in g:
        g.incident_db = Session(current_app.extensions["incident_engine"], expire_on_commit=False)
    return g.incident_db


def now() -> datetime:
    from flask import current_app
    return current_app.extensions["incident_clock"]()
