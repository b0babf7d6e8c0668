"""Alembic migrations build exactly the schema the models describe, on this backend."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from custody import migrate
from custody.models import Base


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_is_idempotent(db_url):
    migrate.upgrade(db_url)
    migrate.upgrade(db_url)
