"""Pure rules: what the law allows toward the employee, and which reminder is due when."""
from datetime import datetime, timedelta, timezone

import pytest

from contracts.errors import IncidentRefusal
from incident.measures import check, note_text
from incident.reminders import _kinds
from incident.roles import PERMISSIONS, ROLES, Actor
from incident.schemas import MeasureInput, parse

DUE = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def measure(**fields) -> MeasureInput:
    return MeasureInput(employee_number="E001", **fields)


def test_a_penalty_fixed_in_advance_is_refused():
    with pytest.raises(IncidentRefusal) as info:
        check(measure(kind="cost_claim", actual_cost_yen=100_000, claimed_yen=10_000, penalty_fixed_in_advance=True))
    assert info.value.code == "penalty_fixed_in_advance" and "第16条" in info.value.message("ja")


def test_a_claim_above_the_actual_cost_is_refused():
    with pytest.raises(IncidentRefusal) as info:
        check(measure(kind="cost_claim", actual_cost_yen=100_000, claimed_yen=100_001))
    assert info.value.code == "claim_exceeds_cost" and "100,001" in info.value.message("en")


@pytest.mark.parametrize("claimed, negligence, over", [(50_000, "ordinary", False), (50_001, "ordinary", True),
                                                       (90_000, "gross", False)])
def test_a_cost_claim_warns_about_the_half_ceiling(claimed, negligence, over):
    notes = check(measure(kind="cost_claim", actual_cost_yen=100_000, claimed_yen=claimed, negligence=negligence))
    assert "half_ceiling" in notes and "no_advance_penalty" in notes and ("over_half" in notes) is over


def test_a_damages_claim_is_marked_a_civil_court_matter():
    assert check(measure(kind="damages_claim")) == ["civil_matter"] and "civil-court" in note_text("civil_matter", "en")


def test_dismissal_needs_a_recorded_legal_review():
    with pytest.raises(IncidentRefusal) as info:
        check(measure(kind="disciplinary", disciplinary_action="dismissal"))
    assert info.value.code == "legal_review_required"
    reviewed = measure(kind="disciplinary", disciplinary_action="dismissal",
                       legal_review={"reviewer": "顧問弁護士 山本", "reviewed_on": "2026-12-01", "conclusion": "相当"})
    assert "dismissal_review" in check(reviewed)


def test_a_pay_cut_carries_the_article_91_limit_and_a_reprimand_is_announced():
    assert "pay_cut_limit" in check(measure(kind="disciplinary", disciplinary_action="pay_cut"))
    assert check(measure(kind="reprimand")) == ["reprimand_announce"]
    assert check(measure(kind="reprimand", announce_company_wide=False)) == ["reprimand_private"]


def test_bad_input_names_the_field():
    with pytest.raises(IncidentRefusal) as info:
        parse(MeasureInput, {"kind": "fine", "employee_number": "E001"})
    assert info.value.code == "invalid_input" and info.value.params["field"] == "kind"


@pytest.mark.parametrize("before, kinds", [
    (timedelta(hours=49), []),
    (timedelta(hours=48), ["approaching:48"]),
    (timedelta(hours=23), ["approaching:24", "approaching:48"]),
    (timedelta(hours=1), ["approaching:4", "approaching:24", "approaching:48"]),
    (timedelta(0), ["missed"]),
    (-timedelta(days=3), ["missed"]),
])
def test_which_reminders_are_due(before, kinds):
    assert [k for k, _ in _kinds(DUE, (48.0, 24.0, 4.0), DUE - before)] == kinds


def test_every_action_has_a_permission_and_only_admin_may_do_everything():
    assert all(Actor("x", "admin").may(action) for action in PERMISSIONS)
    assert [a for a in PERMISSIONS if Actor("x", "viewer").may(a)] == ["view"]
    assert set(ROLES) == {"viewer", "responder", "privacy_officer", "admin"}
