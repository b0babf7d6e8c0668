"""The incident's own rules on plain values: status moves, closing, the loss report's completeness, theft, deadlines."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from contracts.errors import IncidentRefusal
from contracts.events import DataInventory
from incident import domain
from incident.roles import Actor
from incident.schemas import FORGOTTEN, LossReport

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
PO, ADMIN = Actor("kobayashi", "privacy_officer"), Actor("admin", "admin")
LEDGER = {"categories": ["name", "email"], "customer_ids": ["C-100"], "approx_persons": 300, "eu_data_subjects": False}


def refused(call, *args) -> IncidentRefusal:
    with pytest.raises(IncidentRefusal) as info:
        call(*args)
    return info.value


def report(data=(("name", "yes", ""), ("email", "yes", "")), customers=(("C-100", 300, "yes", ""),),
           forgotten=None, **more) -> LossReport:
    return LossReport.model_validate({
        "data": [{"category": c, "present": p, "note": n} for c, p, n in data],
        "customers": [{"customer_id": c, "persons": k, "present": p, "note": n} for c, k, p, n in customers],
        "forgotten": {key: "no" for key in FORGOTTEN} if forgotten is None else forgotten,
        "features": {"model_number_confirmed": True, "serial_number_confirmed": True},
        "last_seen_at": T0.isoformat(), "last_seen_place": "品川駅", "circumstances": "網棚に置いた"} | more)


# --- status ---
def test_a_report_confirms_a_suspected_incident_but_leaves_a_recovered_one_recovered():
    assert domain.moved("suspected", "report_submitted") == "confirmed"
    assert domain.moved("confirmed", "report_submitted") == "confirmed"
    assert domain.moved("recovered", "report_submitted") == "recovered"


def test_marked_lost_concerns_only_suspected_incidents_and_recovery_only_live_unrecovered_ones():
    assert domain.moved_from("marked_lost") == ("suspected",)
    assert domain.moved_from("recovered") == ("suspected", "confirmed")
    assert [domain.moved(s, "recovered") for s in ("suspected", "confirmed")] == ["recovered", "recovered"]


def test_any_live_incident_may_close_and_a_closed_one_is_final():
    assert {domain.moved(s, "closed") for s in ("suspected", "confirmed", "recovered")} == {"closed"}
    for status in ("suspected", "confirmed", "recovered"):
        domain.require_live(status, "INC-2026-0001")
    closed = refused(domain.require_live, "closed", "INC-2026-0001")
    assert closed.code == "incident_closed" and "INC-2026-0001" in closed.message("en")


def test_a_reported_loss_opens_confirmed_and_a_possible_loss_suspected_and_recovered_ones_get_no_reminders():
    assert domain.OPENED_AS == {"possible_loss": "suspected", "reported": "confirmed"}
    assert domain.REMINDED == ("suspected", "confirmed")


# --- closing ---
def test_closing_needs_a_known_resolution_and_a_reason():
    assert refused(domain.closing, "recovered", "fixed", "ok", [], "", PO).params["field"] == "resolution"
    assert refused(domain.closing, "recovered", "no_leak", "  ", [], "", PO).params["field"] == "reason"


def test_no_leak_only_once_recovered_and_open_actions_do_not_hold_it_back():
    assert refused(domain.closing, "confirmed", "no_leak", "returned", [], "", PO).code == "not_recovered"
    done = domain.closing("recovered", "no_leak", " returned unopened ", ["open"], "", PO)
    assert done == domain.Closing("no_leak", "returned unopened")


def test_resolved_with_open_actions_needs_a_reason_and_an_admin():
    statuses = ["done", "open", "in_progress"]
    assert refused(domain.closing, "confirmed", "resolved", "done", statuses, "", ADMIN).params == {"count": "2"}
    assert refused(domain.closing, "confirmed", "resolved", "done", statuses, "budget", PO).code == "not_permitted"
    assert domain.closing("confirmed", "resolved", "done", statuses, "budget", ADMIN) == \
        domain.Closing("resolved", "done", overridden=2, override_reason="budget")
    assert domain.closing("confirmed", "resolved", "done", ["done"], "", PO) == domain.Closing("resolved", "done")


def test_a_prevention_action_is_open_in_progress_or_done():
    for status in ("open", "in_progress", "done"):
        domain.require_action_status(status)
    assert refused(domain.require_action_status, "finished").params["field"] == "status"


# --- the loss report ---
def test_a_complete_report_passes():
    domain.check_report(report(), LEDGER, None)


def test_a_category_the_ledger_named_cannot_silently_disappear_but_may_be_answered_no_with_a_reason():
    assert refused(domain.check_report, report(data=[("name", "yes", "")]), LEDGER, None).params == {
        "item": "e-mail address", "item_ja": "メールアドレス"}  # the category in words, in each language
    domain.check_report(report(data=[("name", "yes", ""), ("email", "no", "アドレス帳は未同期")]), LEDGER, None)


def test_a_customer_the_previous_version_named_cannot_silently_disappear():
    previous = report(customers=[("C-100", 300, "yes", ""), ("C-200", 5, "unknown", "")]).model_dump(mode="json")
    assert refused(domain.check_report, report(), LEDGER, previous).params == {"item": "C-200", "item_ja": "C-200"}
    assert domain.named_before(LEDGER, previous) == ["name", "email", "C-100", "name", "email", "C-100", "C-200"]


def test_every_easily_forgotten_place_must_be_answered_and_only_those():
    partial = {key: "no" for key in list(FORGOTTEN)[1:]}
    missing = refused(domain.check_report, report(forgotten=partial), LEDGER, None)
    assert missing.code == "report_incomplete" and missing.params["field"] == "forgotten.offline_files"
    assert "files synced for offline use" in missing.message("en") and "オフライン同期" in missing.message("ja")
    extra = refused(domain.check_report, report(forgotten={key: "no" for key in FORGOTTEN} | {"desk": "no"}), LEDGER, None)
    assert extra.code == "invalid_input" and extra.params["field"] == "forgotten" and extra.params["problem"] == "desk"


def test_a_no_needs_its_reason():
    no_reason = refused(domain.check_report, report(customers=[("C-100", 300, "no", "")]), LEDGER, None)
    assert no_reason.code == "report_incomplete" and "C-100" in no_reason.message("ja")


def test_a_theft_is_appi_case_3_and_a_later_report_does_not_clear_it():
    facts = domain.facts_after_report({"persons_contactable": True}, report(lost_or_stolen="stolen"))
    assert facts == {"persons_contactable": True, "improper_purpose_suspected": True}
    assert domain.facts_after_report(facts, report(lost_or_stolen="lost")) == facts
    assert domain.facts_after_report({}, report(lost_or_stolen="unknown")) == {}


def test_the_inventory_is_the_ledgers_until_a_report_and_then_what_may_have_been_on_it():
    assert domain.inventory(LEDGER, None) == DataInventory(categories=("name", "email"), customer_ids=("C-100",),
                                                           approx_persons=300)
    latest = report(data=[("name", "yes", ""), ("email", "no", "なし"), ("health", "unknown", "")],
                    customers=[("C-100", 300, "unknown", ""), ("C-200", 40, "yes", ""), ("C-300", 9, "no", "別端末")])
    found = domain.inventory(LEDGER, latest.model_dump(mode="json"))
    assert found.categories == ("name", "health") and found.customer_ids == ("C-100", "C-200")
    assert found.approx_persons == 340


def test_a_reporters_inventory_is_added_to_the_ledgers_never_replacing_it():
    known = DataInventory(categories=("name", "email"), customer_ids=("C-100",), approx_persons=1200)
    told = DataInventory(categories=("email", "health"), customer_ids=("C-900",), approx_persons=1, eu_data_subjects=True)
    assert domain.with_reported(known, told) == DataInventory(
        categories=("name", "email", "health"), customer_ids=("C-100", "C-900"), approx_persons=1200,
        eu_data_subjects=True)


# --- deadlines ---
@dataclass
class Due(domain.Deadline):
    code: str
    target_at: datetime | None
    limit_at: datetime | None
    required: bool = True


def test_a_duty_is_due_at_the_nearer_of_target_and_limit():
    assert Due("a", T0, T0 + timedelta(days=2)).due_at == T0
    assert Due("b", None, T0).due_at == T0 and Due("b", None, T0).hard_limit
    assert Due("c", None, None).due_at is None and not Due("c", None, None).hard_limit


def test_nearest_first_puts_a_hard_limit_before_a_target_at_the_same_moment_and_leaves_out_the_rest():
    dues = [Due("target", T0 + timedelta(days=3), T0 + timedelta(days=5)), Due("later", None, T0 + timedelta(days=30)),
            Due("limit", None, T0 + timedelta(hours=72)), Due("no time", None, None),
            Due("not required", T0, None, required=False)]
    assert [d.code for d in domain.nearest_first(dues)] == ["limit", "target", "later"]
