"""Shared fixtures: the database under test (SQLite or PostgreSQL), RabbitMQ, a running custody.

Pick the database with ``--db=postgresql`` or ``TEST_DB=postgresql`` (default: sqlite).
Tests run monkey-patched by pytest-eventlet; nameko's rabbit_config gives each test a
throw-away vhost on the real broker.
"""
from __future__ import annotations

import os
import shutil
import uuid

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

import pytest  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from custody import migrate  # noqa: E402
from servicekit.db import make_engine  # noqa: E402
from custody.models import Base  # noqa: E402

pytest_plugins = ["tests.browser"]  # the `browser` fixture (real Chromium) for the kiosk and console tests

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
LABEL_SECRET = "test-label-secret-0123456789"


def pytest_addoption(parser):
    parser.addoption("--db", default=os.environ.get("TEST_DB", "sqlite"),
                     choices=("sqlite", "postgresql"), help="database backend for the suite")


def pytest_report_header(config):
    return f"custody database under test: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def db_backend(request) -> str:
    return request.config.getoption("--db")


def migrated_database(service: str, upgrade, metadata, fixture: str):
    """Fixtures for one service's database: a migrated template made once per run (a SQLite
    file, or a PostgreSQL database), and ``fixture``: a clean copy of it for each test."""

    @pytest.fixture(scope="session", name=f"{service}_db_template")
    def template(db_backend, tmp_path_factory):
        if db_backend == "sqlite":
            path = tmp_path_factory.mktemp("template") / f"{service}.db"
            upgrade(f"sqlite:///{path}")
            yield path
            return
        name = f"{service}_test_{uuid.uuid4().hex[:8]}"
        admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        upgrade(url)
        yield url
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()

    @pytest.fixture(name=fixture)
    def clean(db_backend, request, tmp_path) -> str:
        return clean_copy(request.getfixturevalue(f"{service}_db_template"), tmp_path / f"{service}.db", metadata)

    return template, clean


def clean_copy(template, sqlite_path, metadata) -> str:
    """An empty migrated database: a copy of the SQLite template at ``sqlite_path``, or the PostgreSQL
    template itself with every table emptied."""
    if not str(template).startswith("postgresql"):
        shutil.copy(template, sqlite_path)
        return f"sqlite:///{sqlite_path}"
    engine = make_engine(template)
    tables = ", ".join(t.name for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return template


custody_db_template, db_url = migrated_database("custody", migrate.upgrade, Base.metadata, "db_url")


def view_engine(url: str):
    """A test's own view of a database. For SQLite a plain engine: its reads take no write lock
    (WAL), so they never wait on, or block, a service running in this process."""
    if url.startswith("sqlite"):
        # timeout 0: a write that meets the service's lock fails at once and is retried by
        # tamper() after yielding, instead of blocking the eventlet hub the service needs
        return create_engine(url, connect_args={"timeout": 0})
    return make_engine(url)


@pytest.fixture
def engine(db_url):
    """custody's database, as the test sees it."""
    engine = view_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def tamper(engine):
    """Run raw SQL behind the service's back, as someone editing the database would."""
    import eventlet
    from sqlalchemy.exc import OperationalError

    def run(sql: str) -> None:
        for _ in range(200):
            try:
                with engine.begin() as conn:
                    conn.execute(text(sql))
                return
            except OperationalError:
                eventlet.sleep(0.05)
        raise TimeoutError("database stayed locked")
    return run


@pytest.fixture
def custody_settings(db_url) -> dict:
    return {"db_url": db_url, "label_secret": LABEL_SECRET, "timezone": "Asia/Tokyo",
            "training_valid_days": 365, "max_items": 2,
            "due": {"laptop": "end-of-day 18:00", "smartphone": "8h", "tablet": "8h",
                    "usb_storage": "4h", "other": "8h"},
            "sweep_max_interval": 1.0, "outbox_poll_interval": 0.5, "outbox_lease_seconds": 5,
            "outbox_paused": False}
