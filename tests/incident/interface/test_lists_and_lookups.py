"""The incident list in one order for every caller, and a reported loss asking custody's ledger once, only when allowed."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.answers import Asset
from contracts.answers import EmployeeWithManager
from contracts.errors import IncidentRefusal
from incident.handlers import opening
from incident.models import Incident
from incident.roles import Actor
from tests.incident.conftest import PO, VIEWER
from tests.incident.interface.test_incident_service import NO_PROTECTION, possible_loss


def test_the_list_shows_open_incidents_before_closed_ones_nearest_deadline_first_then_newest(
        incident_rpc, publish, incident_events):
    refs = []
    for protection in (None, NO_PROTECTION, None):  # the example's laptop is exempt (no deadline); one is not
        publish(possible_loss(**({"protection": protection} if protection else {})))
        refs.append(incident_events.wait_for("incident_opened")["incident"]["reference"])
    old_exempt, unprotected, new_exempt = refs
    incident_rpc.close(PO, new_exempt, "resolved", "誤検知：出張延長の届出あり")
    listed = [i["reference"] for i in incident_rpc.list_incidents(VIEWER, include_closed=True)]
    assert listed == [unprotected, old_exempt, new_exempt]
    assert [i["reference"] for i in incident_rpc.list_incidents(VIEWER)] == [unprotected, old_exempt]


class Ledger:
    """custody's get_asset as the use case sees it, remembering what it was asked."""

    def __init__(self, answer: Asset | None = None):
        self.answer, self.asked = answer, []

    def __call__(self, tag: str) -> Asset | None:
        self.asked.append(tag)
        return self.answer


@pytest.fixture
def session(incident_engine):
    with Session(incident_engine, expire_on_commit=False) as session:
        yield session


def _report(session, role: str, data: dict, ledger: Ledger):
    return opening.report_loss(session, "INC", Actor("someone", role), data, datetime.now(timezone.utc), ledger)


def test_a_refused_role_or_form_costs_no_ledger_lookup_and_an_allowed_report_asks_once(session):
    ledger = Ledger()
    for role, data, code in [("viewer", {"asset_tag": "LT-0001", "description": "紛失"}, "not_permitted"),
                             ("responder", {"asset_tag": "LT-0001"}, "invalid_input")]:
        with pytest.raises(IncidentRefusal) as info:
            _report(session, role, data, ledger)
        assert info.value.code == code
        session.rollback()
    assert ledger.asked == [] and session.scalar(select(func.count()).select_from(Incident)) == 0
    made = _report(session, "responder", {"asset_tag": " lt-0001 ", "description": "出張先で紛失"}, ledger)
    assert ledger.asked == ["lt-0001"] and made.asset["tag"] == "LT-0001" and made.status == "confirmed"
    _report(session, "responder", {"description": "台帳にないUSBメモリ", "kind": "usb_storage"}, ledger)
    assert ledger.asked == ["lt-0001"]  # no tag, nothing to look up


def test_the_employee_lookup_fails_softly_when_custody_does_not_answer(rabbit_config):
    """No custody on this vhost: the report goes on with what was typed instead of failing or waiting on."""
    import time
    from incident import ledger
    started = time.monotonic()
    assert ledger.employee(rabbit_config["AMQP_URI"], "E001", timeout=1) is None
    assert ledger.lookup(rabbit_config["AMQP_URI"], "LT-0001", timeout=1) is None
    assert time.monotonic() - started < 10  # bounded by the time-outs, not hanging


def test_a_holder_the_ledger_knows_gets_their_manager_and_department_and_keeps_what_was_typed(session):
    manager = {"employee_number": "M001", "name": "田中 一郎", "email": "tanaka@example.co.jp", "department": "Sales",
               "language": "ja"}
    known = EmployeeWithManager(employee_number="E001", name="佐藤 花子", email="sato@example.co.jp", department="Sales",
                                language="en", manager_number="M001", training_completed_at=None, active=True,
                                card_bound=True, manager=manager)
    asked = []
    made = opening.report_loss(session, "INC", Actor("someone", "responder"),
                               {"description": "紛失", "holder_number": "E001", "holder_email": "hanako@example.co.jp"},
                               datetime.now(timezone.utc), Ledger(), lambda n: asked.append(n) or known)
    assert asked == ["E001"]
    assert made.holder == {"employee_number": "E001", "name": "佐藤 花子", "email": "hanako@example.co.jp",
                           "department": "Sales", "language": "en"}
    assert made.manager == manager
