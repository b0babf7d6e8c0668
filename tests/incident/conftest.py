"""The incident service's database under test, and its settings."""
from __future__ import annotations

import pytest

from incident import migrate
from incident.models import Base
from tests.conftest import migrated_database

incident_db_template, incident_db_url = migrated_database("incident", migrate.upgrade, Base.metadata, "incident_db_url")


@pytest.fixture
def incident_settings(incident_db_url) -> dict:
    return {"db_url": incident_db_url, "timezone": "Asia/Tokyo", "reference_prefix": "INC",
            "reminder_lead_hours": [100.0, 24.0], "reminder_interval": 0.5,
            "outbox_poll_interval": 0.3, "outbox_lease_seconds": 5, "outbox_paused": False}
