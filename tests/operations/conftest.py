"""Fixtures for the operations tests: each service's database (SQLite or PostgreSQL), the SMTP sink."""
from tests.incident.conftest import incident_db_template, incident_db_url  # noqa: F401
from tests.notify.conftest import notify_db_template, notify_db_url, smtp, smtp_sink_process  # noqa: F401
