"""Checkout and return through real RabbitMQ RPC, with events seen by a plain AMQP consumer."""
from datetime import datetime, timedelta, timezone

import pytest

from contracts.errors import CustodyRefusal
from contracts.events import parse_event
from tests.custody.conftest import at, at_once, LAPTOP, card, label, ledger_state


def test_checkout_hands_out_asset_and_emits_event(rpc, people, event_log):
    rpc.register_asset(LAPTOP)
    out = rpc.checkout(card_hash=people["sato"], **at("kiosk-3F"), label=label("LT-0001"),
                       purpose="visit to C-100")
    assert out["holder"]["name"] == "佐藤 花子"
    assert out["asset"]["status"] == "checked_out"
    body = event_log.wait_for("asset_checked_out")
    event = parse_event("asset_checked_out", body)
    assert event.asset.serial_number == "SN-778812"
    assert event.holder.employee_number == "E001"
    assert event.checkout.kiosk_id == "kiosk-3F"
    assert event.checkout.purpose == "visit to C-100"
    assert [r["tag"] for r in rpc.list_checked_out()] == ["LT-0001"]


def test_laptop_is_due_at_end_of_working_day_in_tokyo(rpc, people):
    rpc.register_asset(LAPTOP)
    out = rpc.checkout(card_hash=people["sato"], **at("k1"), label=label("LT-0001"))
    due = datetime.fromisoformat(out["due_at"]).astimezone(timezone(timedelta(hours=9)))
    assert (due.hour, due.minute) == (18, 0)
    assert timedelta(0) < due - datetime.now(timezone.utc) <= timedelta(days=1)


def test_due_time_may_be_set_shorter_but_not_longer(rpc, people, engine):
    rpc.register_asset(LAPTOP | {"kind": "smartphone"})  # smartphones: 8h in the test config
    later = (datetime.now(timezone.utc) + timedelta(hours=9)).isoformat()
    before = ledger_state(engine)
    with pytest.raises(CustodyRefusal) as refused:
        rpc.checkout(card_hash=people["sato"], **at("k1"), label=label("LT-0001"), due_at=later)
    assert refused.value.code == "due_invalid"
    assert ledger_state(engine) == before
    sooner = datetime.now(timezone.utc) + timedelta(hours=1)
    out = rpc.checkout(card_hash=people["sato"], **at("k1"), label=label("LT-0001"),
                       due_at=sooner.isoformat())
    assert datetime.fromisoformat(out["due_at"]) == sooner


def test_return_closes_checkout_and_emits_event(rpc, people, event_log):
    rpc.register_asset(LAPTOP)
    rpc.checkout(card_hash=people["sato"], **at("k1"), label=label("LT-0001"))
    back = rpc.return_asset(**at("k2"), label=label("LT-0001"), card_hash=people["sato"])
    assert back["asset"]["status"] == "available"
    assert back["recovered"] is False
    event = parse_event("asset_returned", event_log.wait_for("asset_returned"))
    assert event.returned_by_other is False and event.kiosk_id == "k2" and not event.was_overdue
    assert rpc.list_checked_out() == []


def test_return_by_someone_else_is_allowed_and_recorded(rpc, people, event_log):
    rpc.register_asset(LAPTOP)
    rpc.checkout(card_hash=people["sato"], **at("k1"), label=label("LT-0001"))
    rpc.return_asset(**at("k1"), tag="lt-0001", card_hash=people["manager"])
    event = parse_event("asset_returned", event_log.wait_for("asset_returned"))
    assert event.returned_by_other is True
    assert event.holder.employee_number == "E001" and event.returned_by.employee_number == "M001"
    history = rpc.get_asset("LT-0001")["history"]
    assert history[0]["returned_by"]["name"] == "田中 一郎"


def test_return_without_card_is_recorded_as_by_other(rpc, people):
    rpc.register_asset(LAPTOP)
    rpc.checkout(card_hash=people["sato"], **at("k1"), label=label("LT-0001"))
    back = rpc.return_asset(**at("k1"), label=label("LT-0001"))
    assert back["returned_by"] is None and back["returned_at"] is not None


def test_history_lists_every_checkout_newest_first(rpc, people):
    rpc.register_asset(LAPTOP)
    for who in ("sato", "manager"):
        rpc.checkout(card_hash=people[who], **at("k1"), label=label("LT-0001"))
        rpc.return_asset(**at("k1"), label=label("LT-0001"), card_hash=people[who])
    history = rpc.get_asset("LT-0001")["history"]
    assert [h["holder"]["employee_number"] for h in history] == ["M001", "E001"]


def test_unknown_card_never_reaches_the_ledger_as_a_raw_uid(rpc, people, engine):
    rpc.register_asset(LAPTOP)
    before = ledger_state(engine)
    with pytest.raises(CustodyRefusal) as refused:
        rpc.checkout(card_hash="0102030405060708", **at("k1"), label=label("LT-0001"))
    assert refused.value.code == "card_unknown"
    assert ledger_state(engine) == before
    with pytest.raises(CustodyRefusal) as refused:
        rpc.bind_card("E001", "0102030405060708")
    assert refused.value.code == "invalid_input" and refused.value.params["field"] == "card_hash"


def test_card_lookup_greets_the_holder_and_never_returns_the_hash(rpc, people):
    employee = rpc.employee_by_card(**at("k1"), card_hash=people["sato"])
    assert employee["name"] == "佐藤 花子" and employee["card_bound"] is True
    assert people["sato"] not in str(employee)
    with pytest.raises(CustodyRefusal) as refused:
        rpc.employee_by_card(**at("k1"), card_hash=card(99))
    assert refused.value.code == "card_unknown"


def test_two_kiosks_racing_for_one_asset_give_it_to_exactly_one(rpc, people, engine, service_config):
    rpc.register_asset(LAPTOP)

    def attempt(who):
        def call(proxy):
            out = proxy.checkout(card_hash=people[who], **at("k1" if who == "sato" else "k2"), label=label("LT-0001"))
            return out["holder"]["name"]
        return call

    results = sorted(at_once(service_config, attempt("sato"), attempt("manager")))
    assert results[0] == "asset_already_out" and results[1] in ("佐藤 花子", "田中 一郎")
    assert ledger_state(engine)["open"] == 1
