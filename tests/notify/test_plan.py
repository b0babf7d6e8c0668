"""notify's plan: who gets which e-mail, in which language, for each event (pure: plain contract objects)."""
from __future__ import annotations

from contracts import events as ev
from contracts.examples import EXAMPLES
from notify.plan import notice_key, plan

from tests.notify.conftest import plain_settings

EXAMPLE = {type(e): e for e in EXAMPLES}
EMMA = ev.Person(employee_number="E003", name="Emma Clark", email="emma.clark@example.co.jp", language="en")
STAFF = ("privacy@example.co.jp", "security@example.co.jp")


def who(planned) -> list[tuple[str, str, str]]:
    return [(p.email, p.template, p.language) for p in planned]


def test_a_possible_loss_writes_to_the_holder_alone_at_once():
    assert who(plan(EXAMPLE[ev.PossibleLossDetected], plain_settings())) == [
        ("sato@example.co.jp", "possible_loss_holder", "ja")]


def test_the_holder_is_written_to_in_the_language_of_the_ledger():
    event = EXAMPLE[ev.PossibleLossDetected].model_copy(update={"holder": EMMA})
    [mail] = plan(event, plain_settings())
    assert (mail.email, mail.language, mail.name) == ("emma.clark@example.co.jp", "en", "Emma Clark")


def test_an_opened_incident_asks_the_manager_to_act_and_tells_the_staff_with_its_reference():
    planned = plan(EXAMPLE[ev.IncidentOpened], plain_settings())
    assert who(planned) == [("tanaka@example.co.jp", "incident_opened_manager", "ja"),
                            ("privacy@example.co.jp", "incident_opened", "ja"),
                            ("security@example.co.jp", "incident_opened", "ja")]
    assert {p.incident_reference for p in planned} == {"INC-2026-0007"}
    assert planned[0].name == "田中 一郎" and planned[1].name == ""


def test_a_manager_on_the_security_team_gets_one_mail_the_one_for_the_manager():
    settings = plain_settings(security_team=("Tanaka@Example.co.jp", "security@example.co.jp"))
    assert who(plan(EXAMPLE[ev.IncidentOpened], settings)) == [
        ("tanaka@example.co.jp", "incident_opened_manager", "ja"), ("privacy@example.co.jp", "incident_opened", "ja"),
        ("security@example.co.jp", "incident_opened", "ja")]


def test_an_incident_without_a_manager_goes_to_the_staff_only_in_the_staff_language():
    event = EXAMPLE[ev.IncidentOpened]
    event = event.model_copy(update={"incident": event.incident.model_copy(update={"manager": None})})
    assert who(plan(event, plain_settings(staff_language="en"))) == [(a, "incident_opened", "en") for a in STAFF]


def test_deadlines_and_closing_go_to_the_privacy_officer_and_the_security_team_once_each():
    settings = plain_settings(privacy_officer=("privacy@example.co.jp", "security@example.co.jp"))
    for kind in (ev.IncidentDeadlineApproaching, ev.IncidentDeadlineMissed, ev.IncidentClosed):
        assert who(plan(EXAMPLE[kind], settings)) == [(a, kind.event_type, "ja") for a in STAFF]


def test_a_recovery_tells_holder_and_manager_in_their_language_and_the_staff_what_to_decide():
    event = EXAMPLE[ev.AssetRecovered].model_copy(update={"holder": EMMA, "returned_by": EMMA})
    planned = plan(event, plain_settings())
    assert who(planned) == [("emma.clark@example.co.jp", "asset_recovered", "en"),
                            ("tanaka@example.co.jp", "asset_recovered", "ja"),
                            ("privacy@example.co.jp", "asset_recovered_staff", "ja"),
                            ("security@example.co.jp", "asset_recovered_staff", "ja")]
    assert [p.variables["reader"] for p in planned] == ["holder", "manager", "staff", "staff"]
    assert planned[0].variables["by_holder"] is True


def test_a_recovery_returned_without_a_card_is_not_said_to_be_by_the_holder():
    event = EXAMPLE[ev.AssetRecovered].model_copy(update={"returned_by": None})
    assert {p.variables["by_holder"] for p in plan(event, plain_settings())} == {False}


def test_a_recovery_from_before_holder_and_manager_were_in_the_event_still_reaches_the_staff():
    body = EXAMPLE[ev.AssetRecovered].to_wire()
    del body["holder"], body["manager"]
    assert who(plan(ev.parse_event("asset_recovered", body), plain_settings())) == [
        (a, "asset_recovered_staff", "ja") for a in STAFF]


def test_a_customer_listed_twice_gets_one_notice_keyed_by_the_request():
    notice = EXAMPLE[ev.CustomerNoticeRequested]
    twice = notice.model_copy(update={"recipients": notice.recipients + (
        notice.recipients[0].model_copy(update={"email": "CUSTOMER1@example.com"}),)})
    planned = plan(twice, plain_settings())
    assert who(planned) == [("customer1@example.com", "apology_notice", "ja"), ("c2@example.org", "apology_notice", "en")]
    assert {p.source_key for p in planned} == {notice_key(notice.request_id)}
    assert planned[1].variables == {"company": "株式会社サンプル", "customer_id": "C-200", "name": "Jane Doe",
                                    "incident_reference": "INC-2026-0007"}


def test_events_notify_does_not_write_about_plan_nothing():
    for kind in (ev.AssetRegistered, ev.AssetCheckedOut, ev.AssetReturned, ev.IncidentUpdated, ev.DeliveryFailed):
        assert plan(EXAMPLE[kind], plain_settings()) == []


def test_every_planned_mail_carries_the_desk_and_the_console_address():
    settings = plain_settings()
    for event in EXAMPLES:
        for item in plan(event, settings):
            if item.template not in ("apology_notice", "status_report", "inquiry_reply"):
                assert item.variables["desk"] == settings.desk.model_dump()
                assert item.variables["console_url"] == settings.console_base_url + "/"
