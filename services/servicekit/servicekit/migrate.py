"""Run a service's Alembic migrations programmatically (its CLI, tests, start-up)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config


class Migrations:
    def __init__(self, script_location: str | Path):
        self.script_location = str(script_location)

    def config(self, db_url: str) -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", self.script_location)
        cfg.set_main_option("sqlalchemy.url", db_url)
        return cfg

    def upgrade(self, db_url: str, revision: str = "head") -> None:
        """Bring the database schema up to date (idempotent)."""
        command.upgrade(self.config(db_url), revision)

    def revision(self, db_url: str, message: str) -> None:
        """Autogenerate a new migration from the models (for developers)."""
        command.revision(self.config(db_url), message=message, autogenerate=True)


def add_correlation_ids(op, tables: tuple[str, ...]) -> None:
    """The migration step that gives these tables servicekit's ``correlation_id`` column (nullable)."""
    import sqlalchemy as sa
    for table in tables:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("correlation_id", sa.String(length=64), nullable=True))


def drop_correlation_ids(op, tables: tuple[str, ...]) -> None:
    for table in reversed(tables):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("correlation_id")


def run_env(context, metadata) -> None:
    """The body of every service's migrations/env.py: the URL comes from the caller, never from a file."""
    from servicekit.db import make_engine

    def run(connection) -> None:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()

    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        run(conn)
    engine.dispose()
