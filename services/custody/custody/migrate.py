"""Run Alembic migrations programmatically (``custody db upgrade``, tests, start-up)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

HERE = Path(__file__).resolve().parent


def alembic_config(db_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    cfg.set_main_option("sqlalchemy.url", db_url)
    return cfg


def upgrade(db_url: str, revision: str = "head") -> None:
    """Bring the database schema up to date (idempotent)."""
    command.upgrade(alembic_config(db_url), revision)


def revision(db_url: str, message: str) -> None:
    """Autogenerate a new migration from the models (for developers)."""
    command.revision(alembic_config(db_url), message=message, autogenerate=True)
