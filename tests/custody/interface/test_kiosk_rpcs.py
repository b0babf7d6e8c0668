"""What kiosks rely on: their credentials, preview of a scan, idempotent replays, offline times, the roster."""
from datetime import datetime, timedelta, timezone

import pytest

from contracts.errors import CustodyRefusal
from contracts.events import parse_event
from tests.custody.conftest import LAPTOP, at, at_once, card, label, ledger_state


def refusal_of(call, **kwargs) -> CustodyRefusal:
    with pytest.raises(CustodyRefusal) as info:
        call(**kwargs)
    return info.value


@pytest.mark.parametrize("creds", [{"kiosk_id": "rogue", "kiosk_secret": "x"},
                                   {"kiosk_id": "k1", "kiosk_secret": "wrong-secret"},
                                   {"kiosk_id": "k1", "kiosk_secret": ""}])
def test_calls_from_unregistered_kiosks_are_refused_and_change_nothing(rpc, people, engine, creds):
    rpc.register_asset(LAPTOP)
    before = ledger_state(engine)
    calls = [(rpc.checkout, {"card_hash": people["sato"], "label": label("LT-0001")}),
             (rpc.return_asset, {"label": label("LT-0001")}),
             (rpc.preview_scan, {"label": label("LT-0001")}),
             (rpc.employee_by_card, {"card_hash": people["sato"]}),
             (rpc.kiosk_roster, {})]
    for call, kwargs in calls:
        assert refusal_of(call, **creds, **kwargs).code == "kiosk_unknown"
    assert ledger_state(engine) == before


def test_disabled_kiosk_is_refused(rpc, people):
    rpc.disable_kiosk("k2")
    assert refusal_of(rpc.kiosk_roster, **at("k2")).code == "kiosk_unknown"
    assert rpc.kiosk_roster(**at("k1"))["employees"]


def test_preview_says_checkout_with_due_time_and_changes_nothing(rpc, people, engine):
    rpc.register_asset(LAPTOP)
    before = ledger_state(engine)
    preview = rpc.preview_scan(**at("k1"), label=label("LT-0001"), card_hash=people["sato"])
    assert preview["action"] == "checkout" and preview["asset"]["model_number"] == "VJPK11C12N"
    assert preview["employee"]["name"] == "佐藤 花子" and datetime.fromisoformat(preview["due_at"])
    assert ledger_state(engine) == before


def test_preview_of_an_asset_that_is_out_says_return(rpc, people):
    rpc.register_asset(LAPTOP)
    rpc.checkout(**at("k1"), card_hash=people["sato"], label=label("LT-0001"))
    preview = rpc.preview_scan(**at("k1"), label=label("LT-0001"))
    assert preview["action"] == "return" and preview["holder"]["name"] == "佐藤 花子"


def test_preview_without_card_asks_for_one_and_gives_refusals_before_confirmation(rpc, people):
    rpc.register_asset(LAPTOP)
    assert refusal_of(rpc.preview_scan, **at("k1"), label=label("LT-0001")).code == "card_required"
    assert refusal_of(rpc.preview_scan, **at("k1"), label=label("LT-0001"),
                      card_hash=people["ito"]).code == "training_missing"


def test_a_replayed_checkout_is_applied_once(rpc, people, engine, event_log):
    rpc.register_asset(LAPTOP)
    first = rpc.checkout(**at("k1"), card_hash=people["sato"], label=label("LT-0001"), request_id="kiosk-3F:0001")
    again = rpc.checkout(**at("k1"), card_hash=people["sato"], label=label("LT-0001"), request_id="kiosk-3F:0001")
    assert again["custody_id"] == first["custody_id"] and again["replayed"] is True and first["replayed"] is False
    assert ledger_state(engine)["custody"] == 1
    kinds = [kind for kind, _ in event_log.collect(1.0)]
    assert kinds.count("asset_checked_out") == 1


def test_a_replayed_return_is_applied_once(rpc, people, engine):
    rpc.register_asset(LAPTOP)
    rpc.checkout(**at("k1"), card_hash=people["sato"], label=label("LT-0001"))
    first = rpc.return_asset(**at("k1"), label=label("LT-0001"), request_id="kiosk-3F:0002")
    again = rpc.return_asset(**at("k1"), label=label("LT-0001"), request_id="kiosk-3F:0002")
    assert again["replayed"] is True and again["returned_at"] == first["returned_at"]


def test_one_request_arriving_twice_at_the_same_moment_is_applied_once(rpc, people, engine, event_log,
                                                                         service_config):
    """A kiosk's replay can meet the original call that sat queued while custody was down."""
    rpc.register_asset(LAPTOP)

    def take(proxy):
        return proxy.checkout(**at("k1"), card_hash=people["sato"], label=label("LT-0001"), request_id="k1:race-1")

    def give_back(proxy):
        return proxy.return_asset(**at("k1"), label=label("LT-0001"), request_id="k1:race-2")

    taken = at_once(service_config, take, take, take)
    assert len({out["custody_id"] for out in taken}) == 1, taken
    assert sorted(out["replayed"] for out in taken) == [False, True, True]
    returned = at_once(service_config, give_back, give_back, give_back)
    assert len({out["returned_at"] for out in returned}) == 1, returned
    assert ledger_state(engine)["custody"] == 1 and ledger_state(engine)["open"] == 0
    kinds = [kind for kind, _ in event_log.collect(1.0)]
    assert kinds.count("asset_checked_out") == 1 and kinds.count("asset_returned") == 1


def test_offline_checkout_keeps_the_time_it_happened_and_is_overdue_at_once_if_due_passed(rpc, people, event_log):
    rpc.register_asset(LAPTOP | {"kind": "smartphone"})  # 8h in the test config
    happened = datetime.now(timezone.utc) - timedelta(hours=9)
    out = rpc.checkout(**at("k1"), card_hash=people["sato"], label=label("LT-0001"),
                       occurred_at=happened.isoformat(), request_id="k1:offline-1")
    assert datetime.fromisoformat(out["checked_out_at"]) == happened
    assert datetime.fromisoformat(out["due_at"]) == happened + timedelta(hours=8)
    event = parse_event("possible_loss_detected", event_log.wait_for("possible_loss_detected", timeout=5))
    assert event.checkout.checked_out_at == happened


@pytest.mark.parametrize("when", [timedelta(days=8), timedelta(minutes=-10)])
def test_offline_time_too_old_or_in_the_future_is_refused(rpc, people, when):
    rpc.register_asset(LAPTOP)
    moment = (datetime.now(timezone.utc) - when).isoformat()
    refusal = refusal_of(rpc.checkout, **at("k1"), card_hash=people["sato"], label=label("LT-0001"), occurred_at=moment)
    assert refusal.code == "invalid_input" and refusal.params["field"] == "occurred_at"


def test_roster_lists_cards_of_active_people_and_assets_in_service(rpc, people):
    rpc.register_asset(LAPTOP)
    rpc.register_asset(LAPTOP | {"tag": "LT-0009", "serial_number": "S9"})
    rpc.retire_asset("LT-0009")
    rpc.update_employee("E002", {"active": False})
    roster = rpc.kiosk_roster(**at("k1"))
    assert {e["card_hash"]: e["name"] for e in roster["employees"]} == {card(0): "田中 一郎", card(1): "佐藤 花子"}
    assert [a["tag"] for a in roster["assets"]] == ["LT-0001"]
