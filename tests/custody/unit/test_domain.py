"""The custody rules on their own: no broker, no database."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from contracts.errors import CustodyRefusal
from contracts.labels import make_payload
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


def facts(**over) -> domain.CheckoutFacts:
    base = dict(now=NOW, occurred_at=None, card_given=True, employee=employee(), scan=domain.Scan("LT-1"),
                asset=asset(), open_custody=None, held=0, requested_due=None)
    return domain.CheckoutFacts(**(base | over))


def refusal_of(checkout_facts: domain.CheckoutFacts) -> CustodyRefusal:
    with pytest.raises(CustodyRefusal) as info:
        domain.decide_checkout(checkout_facts, POLICY)
    return info.value


def test_no_employee_for_the_card_is_an_unknown_card():
    assert refusal_of(facts(employee=None)).code == "card_unknown"


def test_inactive_employee_is_refused_by_name():
    refusal = refusal_of(facts(employee=employee(active=False)))
    assert (refusal.code, refusal.params) == ("employee_inactive", {"employee_name": "佐藤"})


def test_refusals_come_in_the_order_the_employee_should_hear_them():
    # everything is wrong at once; putting right what was said reveals the next reason, in this order
    holder = SimpleNamespace(employee=SimpleNamespace(name="田中"), checked_out_at=NOW)
    usb = dict(kind="usb_storage", encryption="none")
    forged = domain.Scan(None, "signature does not match")
    steps = [
        ("invalid_input", {"occurred_at": NOW - timedelta(days=8)}),
        ("card_required", {"occurred_at": None, "card_given": False}),
        ("employee_inactive", {"card_given": True, "employee": employee(active=False, training_completed_at=None)}),
        ("label_invalid", {"employee": employee(training_completed_at=None), "scan": forged}),
        ("asset_unknown", {"scan": domain.Scan("USB-1"), "asset": None}),
        ("asset_retired", {"asset": asset(tag="USB-1", status="retired", **usb)}),
        ("asset_already_out", {"asset": asset(tag="USB-1", **usb), "open_custody": holder}),
        ("training_missing", {"open_custody": None}),
        ("training_expired", {"employee": employee(training_completed_at=NOW - timedelta(days=400))}),
        ("usb_unencrypted_customer_data", {"employee": employee()}),
        ("max_items_reached", {"asset": asset(tag="USB-1", kind="usb_storage", encryption="full_disk"), "held": 3}),
        ("due_invalid", {"held": 2, "requested_due": NOW - timedelta(minutes=5)}),
    ]
    wrong = dict(occurred_at=None, card_given=False, employee=employee(active=False, training_completed_at=None),
                 scan=forged, asset=None, held=3,
                 requested_due=NOW - timedelta(minutes=5))
    current = wrong | steps[0][1]
    for code, fix in steps:
        current |= fix
        assert refusal_of(facts(**current)).code == code
    assert domain.decide_checkout(facts(**current | {"requested_due": None}), POLICY).due_at == NOW + timedelta(hours=4)


def test_an_offline_checkout_counts_from_when_it_happened():
    earlier = NOW - timedelta(hours=3)
    decision = domain.decide_checkout(facts(asset=asset(kind="usb_storage"), occurred_at=earlier), POLICY)
    assert (decision.at, decision.due_at) == (earlier, earlier + timedelta(hours=4))


@pytest.mark.parametrize("offset, ok", [(-timedelta(days=7), True), (-timedelta(days=7, seconds=1), False),
                                        (timedelta(minutes=2), True), (timedelta(minutes=2, seconds=1), False)])
def test_a_kiosk_journal_is_accepted_for_a_week_and_a_clock_two_minutes_fast(offset, ok):
    if ok:
        assert domain.act_time(NOW, NOW + offset) == NOW + offset
    else:
        assert code_of(domain.act_time, NOW, NOW + offset) == "invalid_input"


@pytest.mark.parametrize("label, tag, scan", [
    (None, " lt-1 ", domain.Scan("LT-1")), (None, "", domain.Scan(None, "no label or tag given")),
    (None, "LT 1", domain.Scan(None, "malformed tag")), ("CL1.LT-1.AAAAAAAAAAAAAAAA", None,
                                                         domain.Scan(None, "signature does not match"))])
def test_a_scan_names_a_tag_or_says_what_is_wrong_with_it(label, tag, scan):
    assert domain.read_scan(label, tag, b"label-key-for-tests") == scan


def test_a_genuine_label_names_its_tag():
    assert domain.read_scan(make_payload("LT-1", b"label-key-for-tests"), None, b"label-key-for-tests").tag == "LT-1"


def test_a_return_is_never_refused_for_the_card_shown():
    record = SimpleNamespace(employee=SimpleNamespace(name="田中"), checked_out_at=NOW)
    for card in (None, employee(active=False)):
        decision = domain.decide_return(NOW, None, domain.Scan("LT-1"), asset(status="checked_out"), record, card)
        assert (decision.status, decision.recovered, decision.returned_by) == ("available", False, None)


def test_returning_what_is_not_out_is_refused_but_a_lost_asset_comes_back():
    assert code_of(domain.decide_return, NOW, None, domain.Scan("LT-1"), asset(), None, None) == "asset_not_out"
    found = domain.decide_return(NOW, None, domain.Scan("LT-1"), asset(status="lost"), None, employee())
    assert (found.status, found.recovered, found.returned_by.name) == ("available", True, "佐藤")


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
