"""notify's migrations (``notify db-upgrade``, tests, start-up)."""
from pathlib import Path

from servicekit.migrate import Migrations

MIGRATIONS = Migrations(Path(__file__).resolve().parent / "migrations")
upgrade, revision = MIGRATIONS.upgrade, MIGRATIONS.revision
