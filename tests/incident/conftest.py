"""The incident service's database under test, and its settings."""
from __future__ import annotations

import pytest

from incident import migrate
from incident.models import Base
from tests.conftest import migrated_database, view_engine

incident_db_template, incident_db_url = migrated_database("incident", migrate.upgrade, Base.metadata, "incident_db_url")


@pytest.fixture
def incident_settings(incident_db_url) -> dict:
    return {"db_url": incident_db_url, "timezone": "Asia/Tokyo", "reference_prefix": "INC",
            "reminder_lead_hours": [100.0, 24.0], "reminder_interval": 0.5,
            "outbox_poll_interval": 0.3, "outbox_lease_seconds": 5, "outbox_paused": False}


@pytest.fixture
def incident_engine(incident_db_url):
    engine = view_engine(incident_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def incident_config(rabbit_config, incident_settings) -> dict:
    return {"AMQP_URI": rabbit_config["AMQP_URI"], "max_workers": 10, "INCIDENT": incident_settings}


@pytest.fixture
def incident(container_factory, incident_config):
    from incident.service import IncidentService
    container = container_factory(IncidentService, incident_config)
    container.start()
    return container


@pytest.fixture
def incident_rpc(incident, incident_config):
    from nameko.standalone.rpc import ServiceRpcProxy
    with ServiceRpcProxy("incident", incident_config, timeout=10) as proxy:
        yield proxy


@pytest.fixture
def incident_events(rabbit_config):
    """Every event custody and incident publish, as a subscriber receives it."""
    from tests.custody.conftest import EventLog
    log = EventLog(rabbit_config["AMQP_URI"], sources=("custody", "incident"))
    yield log
    log.close()


@pytest.fixture
def publish(rabbit_config):
    """Publish an event body as its source service would (at-least-once: tests publish twice)."""
    from nameko.standalone.events import event_dispatcher
    dispatch = event_dispatcher({"AMQP_URI": rabbit_config["AMQP_URI"]})

    def send(event) -> None:
        dispatch(type(event).source, event.event_type, event.to_wire())
    return send


PO = {"name": "kobayashi", "role": "privacy_officer"}
RESPONDER = {"name": "suzuki", "role": "responder"}
VIEWER = {"name": "watanabe", "role": "viewer"}
ADMIN = {"name": "admin", "role": "admin"}
FORGOTTEN_NONE = {"offline_files": "no", "email_cache": "no", "document_photos": "no", "browser_logins": "no",
                  "downloads": "no"}


def loss_report(now, **changes) -> dict:
    """A complete loss report for the example laptop (name/email/phone of C-100 and C-200)."""
    from datetime import timedelta
    report = {
        "data": [{"category": c, "present": "yes"} for c in ("name", "email", "phone")],
        "customers": [{"customer_id": "C-100", "persons": 700, "present": "yes"},
                      {"customer_id": "C-200", "persons": 500, "present": "yes"}],
        "eu_data_subjects": True, "forgotten": FORGOTTEN_NONE,
        "features": {"model_number_confirmed": True, "serial_number_confirmed": True, "colour": "silver",
                     "stickers": "会社ロゴ"},
        "last_seen_at": (now - timedelta(hours=3)).isoformat(), "last_seen_place": "山手線 品川駅",
        "circumstances": "網棚に鞄ごと置いたまま降車した",
        "movements": [{"at": (now - timedelta(hours=2)).isoformat(), "place": "新宿駅", "text": "鞄がないことに気づいた"}],
        "told": [{"at": (now - timedelta(hours=1)).isoformat(), "who": "田中 一郎", "how": "電話"}],
        "lost_or_stolen": "lost",
    }
    return report | changes
