"""Fixtures for the operations tests: each service's database (SQLite or PostgreSQL), the SMTP sink, a
vhost for a module; and which pass runs what: a test that reads files only (``db_independent``) runs in
the SQLite pass alone, one about a production layout (``postgresql_only``) in the PostgreSQL pass alone,
so ./test.sh runs each once."""
import uuid

import pytest

from tests.incident.conftest import incident_db_template, incident_db_url  # noqa: F401
from tests.notify.conftest import notify_db_template, notify_db_url, smtp, smtp_sink_process  # noqa: F401


def pytest_configure(config):
    config.addinivalue_line("markers", "db_independent: touches no database; runs in the SQLite pass only")
    config.addinivalue_line("markers", "postgresql_only: a production layout; runs in the PostgreSQL pass only")


def pytest_collection_modifyitems(config, items):
    skip_marker = "db_independent" if config.getoption("--db") == "postgresql" else "postgresql_only"
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker(skip_marker) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="module")
def module_vhost(rabbit_manager) -> str:
    """A throw-away vhost for a whole module (nameko's rabbit_config makes one per test)."""
    vhost = f"nameko_test_ops_{uuid.uuid4().hex[:8]}"
    rabbit_manager.create_vhost(vhost)
    rabbit_manager.set_vhost_permissions(vhost, "guest", ".*", ".*", ".*")
    yield f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    rabbit_manager.delete_vhost(vhost)
