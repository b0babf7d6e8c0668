"""The custody rules on their own: no broker, no database."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from contracts.errors import CustodyRefusal
from custody import domain
from custody.settings import parse_due_rule

TOKYO = ZoneInfo("Asia/Tokyo")
POLICY = domain.Policy(training_valid_days=365, max_items=3, tz=TOKYO,
                       due_rules={"laptop": parse_due_rule("end-of-day 18:00"), "usb_storage": parse_due_rule("4h")})
NOW = datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc)  # 10:00 in Tokyo


def asset(**over):
    base = dict(tag="LT-1", kind="laptop", status="available", data_categories=["email"], customer_ids=[],
                approx_persons=10, encryption="full_disk")
    return SimpleNamespace(**(base | over))


def employee(**over):
    return SimpleNamespace(**({"name": "佐藤", "active": True, "training_completed_at": NOW - timedelta(days=30)} | over))


def code_of(call, *args) -> str:
    with pytest.raises(CustodyRefusal) as info:
        call(*args)
    return info.value.code


def test_no_employee_means_unknown_card():
    assert code_of(domain.check_employee, None) == "card_unknown"


def test_inactive_employee_is_refused_by_name():
    with pytest.raises(CustodyRefusal) as info:
        domain.check_employee(employee(active=False))
    assert info.value.params == {"employee_name": "佐藤"}


@pytest.mark.parametrize("status, code", [("retired", "asset_retired"), ("lost", "asset_lost"),
                                          ("checked_out", "asset_already_out"), ("overdue", "asset_already_out")])
def test_unavailable_asset_statuses_are_refused(status, code):
    assert code_of(domain.check_asset_available, asset(status=status), None, POLICY) == code


def test_already_out_names_holder_and_local_time():
    holder = SimpleNamespace(employee=SimpleNamespace(name="田中"), checked_out_at=NOW)
    with pytest.raises(CustodyRefusal) as info:
        domain.check_asset_available(asset(status="checked_out"), holder, POLICY)
    assert info.value.params == {"tag": "LT-1", "holder_name": "田中", "since": "2026-11-30 10:00"}


def test_training_boundary_is_inclusive_of_the_last_valid_day():
    domain.check_may_take(employee(training_completed_at=NOW - timedelta(days=365)), asset(), 0, POLICY, NOW)
    late = employee(training_completed_at=NOW - timedelta(days=365, seconds=1))
    assert code_of(domain.check_may_take, late, asset(), 0, POLICY, NOW) == "training_expired"


def test_missing_training_blocks_only_assets_with_customer_data():
    untrained = employee(training_completed_at=None)
    assert code_of(domain.check_may_take, untrained, asset(), 0, POLICY, NOW) == "training_missing"
    empty = asset(data_categories=[], approx_persons=0)
    domain.check_may_take(untrained, empty, 0, POLICY, NOW)


def test_unencrypted_usb_with_customer_data_is_refused_but_empty_one_is_not():
    usb = asset(kind="usb_storage", encryption="none")
    assert code_of(domain.check_may_take, employee(), usb, 0, POLICY, NOW) == "usb_unencrypted_customer_data"
    domain.check_may_take(employee(), asset(kind="usb_storage", encryption="none", data_categories=[],
                                            approx_persons=0), 0, POLICY, NOW)


def test_item_limit_counts_what_is_already_held():
    domain.check_may_take(employee(), asset(), 2, POLICY, NOW)
    assert code_of(domain.check_may_take, employee(), asset(), 3, POLICY, NOW) == "max_items_reached"


def test_laptop_due_at_end_of_day_or_next_day_after_hours():
    assert domain.due_time("laptop", POLICY, NOW).astimezone(TOKYO).strftime("%d %H:%M") == "30 18:00"
    evening = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)  # 19:00 Tokyo
    assert domain.due_time("laptop", POLICY, evening).astimezone(TOKYO).strftime("%d %H:%M") == "01 18:00"


def test_usb_due_after_fixed_length():
    assert domain.due_time("usb_storage", POLICY, NOW) == NOW + timedelta(hours=4)


@pytest.mark.parametrize("requested, ok", [(NOW + timedelta(hours=1), True), (NOW + timedelta(hours=4), True),
                                           (NOW + timedelta(hours=4, seconds=1), False), (NOW, False),
                                           (NOW - timedelta(minutes=1), False)])
def test_requested_due_time_may_only_be_shorter_and_in_the_future(requested, ok):
    if ok:
        assert domain.due_time("usb_storage", POLICY, NOW, requested) == requested
    else:
        assert code_of(domain.due_time, "usb_storage", POLICY, NOW, requested) == "due_invalid"


def test_return_of_overdue_or_lost_asset_is_a_recovery():
    assert domain.next_status_after_return("checked_out") == ("available", False)
    assert domain.next_status_after_return("overdue") == ("available", True)
    assert domain.next_status_after_return("lost") == ("available", True)


@pytest.mark.parametrize("text", ["4x", "end of day", "end-of-day 25:00", "", "-3h"])
def test_bad_due_rule_is_rejected_with_the_accepted_forms(text):
    with pytest.raises(ValueError, match="end-of-day 18:00"):
        parse_due_rule(text)
