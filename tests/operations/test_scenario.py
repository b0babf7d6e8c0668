"""One working day through the whole system as ops run it (real processes, one vhost, one database per
service): every piece of work done once; every log line JSON, none holding personal data; one checkout's
correlation id found at every hop from the kiosk to the e-mails; and with two replicas of custody,
incident and notify (on PostgreSQL, as in production) exactly the results of one replica: no incident,
reminder or e-mail twice, nothing missed."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
import requests

from custody.models import Base as CustodyBase
from incident.models import Base as IncidentBase
from notify.models import Base as NotifyBase
from tests.conftest import clean_copy
from tests.console.stack import token
from tests.operations import scenario

pytestmark = pytest.mark.slow


@dataclass
class Day:
    """What one run of the scenario left: its results, every part's log, the kiosk checkout's correlation id."""
    results: dict
    logs: dict[str, str]
    kiosk_checkout: str | None


def fresh_databases(request, folder) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: clean_copy(request.getfixturevalue(f"{name}_db_template"), folder / f"{name}.db", base.metadata)
            for name, base in (("custody", CustodyBase), ("incident", IncidentBase), ("notify", NotifyBase))}


def one_day(request, amqp: str, smtp, folder, replicas: int, console: bool = False) -> Day:
    """The scenario on fresh databases and a fresh mailbox."""
    smtp.reset()
    dbs = fresh_databases(request, folder)
    engines = scenario.engines_for(dbs)
    stack = scenario.start(amqp, dbs, smtp.port, folder, replicas)
    try:
        scenario.run(stack, engines)
        if console:
            browse_the_console(stack, dbs["incident"])
        return Day(scenario.results(engines, smtp), stack.logs(), scenario.correlation_of(engines, scenario.TAGS[0]))
    finally:
        stack.stop()
        for engine in engines.values():
            engine.dispose()


@pytest.fixture(scope="module")
def one_replica(request, module_vhost, smtp_sink_process, tmp_path_factory) -> Day:
    """The reference run: one replica of each service, the kiosk, and the console read by a privacy officer."""
    return one_day(request, module_vhost, smtp_sink_process, tmp_path_factory.mktemp("one"), replicas=1, console=True)


def browse_the_console(stack, incident_db: str) -> None:
    """A privacy officer signs in and reads an incident page (names and all) in the console."""
    from sqlalchemy.orm import Session

    from incident.console.users import add_user
    from servicekit.db import make_engine
    engine = make_engine(incident_db)
    with Session(engine) as session:
        add_user(session, "officer", "保護 一郎", "privacy_officer", "officer-password-2026")
        session.commit()
    engine.dispose()
    base = stack.start_console() + "/"
    client = requests.Session()
    client.post(base + "login", data={"username": "officer", "password": "officer-password-2026",
                                      "csrf_token": token(client.get(base + "login").text)})
    listing = client.get(base).text
    reference = listing.split("/incidents/", 1)[1].split('"', 1)[0]
    page = client.get(base + f"incidents/{reference}").text
    assert any(p["name"] in page for p in scenario.STAFF)  # the page shows the holder: the log must not


def test_one_day_does_all_its_work_once(one_replica):
    day = one_replica.results
    overdue = [tag for tag, _, returned, late in day["custody"] if late]
    assert len(day["custody"]) == 10 and len(overdue) == 8  # 8 possible losses ...
    assert sorted(tag for tag, *_ in day["incidents"]) == sorted(overdue)  # ... 8 incidents
    assert day["reminders"] and len(set(day["reminders"])) == len(day["reminders"])  # each duty reminded once
    assert day["emails_received"] == sum(1 for *_, status in day["deliveries"] if status == "sent") > 24
    assert day["emails_received_twice"] == []


def test_every_log_line_is_json_and_holds_no_personal_data(one_replica):
    check_logs(one_replica.logs)


def test_one_checkouts_correlation_id_is_on_every_line_about_it_from_the_kiosk_to_the_emails(one_replica):
    follow_one_checkout(one_replica.logs, one_replica.kiosk_checkout)


@pytest.mark.postgresql_only  # the production layout: replicas share one PostgreSQL
def test_two_replicas_of_every_service_do_exactly_the_work_of_one(request, one_replica, module_vhost,
                                                                  smtp_sink_process, tmp_path):
    two = one_day(request, module_vhost, smtp_sink_process, tmp_path / "two", replicas=2)
    assert two.results == one_replica.results
    check_logs(two.logs)


def check_logs(logs: dict[str, str]) -> None:
    """Every line of every part is one JSON object, and none holds a name, an address, a phone number, a card
    UID or a card hash the scenario used."""
    secrets = scenario.personal_data()
    for part, text in logs.items():
        lines = [line for line in text.splitlines() if line.strip()]
        assert lines, f"{part} wrote no log line"
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                pytest.fail(f"{part}: not a JSON log line: {line[:300]}")
            assert {"time", "level", "logger", "message", "service"} <= set(record), line
            leaked = [value for value in secrets if value in line]
            assert not leaked, f"{part} logged personal data {leaked}: {line[:300]}"


def follow_one_checkout(logs: dict[str, str], correlation_id: str) -> None:
    """The kiosk's checkout of LT-0001: its journal request id is the correlation id of every line about it,
    from the kiosk through custody, the possible loss, the incident and its reminders, to notify's e-mails."""
    assert correlation_id and correlation_id.startswith(f"{scenario.KIOSK}:")

    def said(part: str) -> list[str]:
        return [r["message"] for r in map(json.loads, logs[part].splitlines()) if r.get("correlation_id") == correlation_id]

    assert any("recorded by custody" in m for m in said("kiosk"))
    custody = " ".join(said("custody-0"))
    assert "rpc checkout: ok" in custody and "LT-0001 passed its due time" in custody
    incident = " ".join(said("incident-0"))
    assert "event possible_loss_detected: ok" in incident and "opened from possible loss" in incident
    notify = " ".join(said("notify-0"))
    for template in ("possible_loss_holder", "incident_opened_manager", "incident_opened", "incident_deadline_approaching"):
        assert f"({template}) attempt 1: sent" in notify, template
