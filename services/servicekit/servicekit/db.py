"""Engines made the same way for the service, the CLI, migrations and tests."""
from __future__ import annotations

import os

from sqlalchemy import Engine, create_engine, event


def make_engine(url: str, pool_size: int = 5, max_overflow: int = 5) -> Engine:
    """An engine tuned for eventlet: one SQLite connection per process, cooperative psycopg waits."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    # psycopg's C wait blocks eventlet's hub; the select-based one yields to other green threads
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    # hide_parameters: an error's text (logged by nameko) must not quote the row's values (names, addresses)
    return create_engine(url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True,
                         hide_parameters=True, connect_args={"connect_timeout": 10})


def _sqlite_engine(url: str) -> Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    # a second SQLite connection in one eventlet process can deadlock the hub on a lock wait
    engine = create_engine(url, pool_size=1, max_overflow=0, pool_timeout=30, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # transactions are begun below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        # take the write lock up front: replicas and the CLI then queue instead of failing
        # with a stale snapshot half-way through a transaction
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
