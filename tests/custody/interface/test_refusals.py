"""Every checkout refusal: the specific reason (both languages) and an untouched ledger."""
from datetime import datetime, timedelta, timezone

import pytest

from contracts.errors import CustodyRefusal
from contracts.labels import make_payload
from tests.custody.conftest import at, LAPTOP, card, hours_ago, label, ledger_state

USB = {"tag": "USB-0007", "kind": "usb_storage", "model_number": "RUF3-K32GA", "serial_number": "U-55",
       "data_categories": ["name", "email"], "approx_persons": 40, "encryption": "none"}


def refused(rpc, engine, **call) -> CustodyRefusal:
    """Attempt a checkout that must be refused; assert the ledger did not change."""
    before = ledger_state(engine)
    with pytest.raises(CustodyRefusal) as info:
        rpc.checkout(**{**at("kiosk-3F"), **call})
    assert ledger_state(engine) == before
    return info.value


def test_checkout_refused_for_unknown_card(rpc, people, engine):
    rpc.register_asset(LAPTOP)
    refusal = refused(rpc, engine, card_hash=card(42), label=label("LT-0001"))
    assert refusal.code == "card_unknown"
    assert "登録されていません" in refusal.message("ja") and "not registered" in refusal.message("en")


def test_checkout_refused_for_inactive_employee(rpc, people, engine):
    rpc.register_asset(LAPTOP)
    rpc.update_employee("E001", {"active": False})
    refusal = refused(rpc, engine, card_hash=people["sato"], label=label("LT-0001"))
    assert refusal.code == "employee_inactive"
    assert "佐藤 花子" in refusal.message("ja")


def test_checkout_refused_for_asset_not_in_ledger(rpc, people, engine):
    refusal = refused(rpc, engine, card_hash=people["sato"], label=label("LT-9999"))
    assert refusal.code == "asset_unknown" and refusal.params["tag"] == "LT-9999"


def test_checkout_refused_for_retired_asset(rpc, people, engine):
    rpc.register_asset(LAPTOP)
    rpc.retire_asset("LT-0001", "battery swollen")
    refusal = refused(rpc, engine, card_hash=people["sato"], label=label("LT-0001"))
    assert refusal.code == "asset_retired"


def test_checkout_refused_for_lost_asset(rpc, people, engine):
    rpc.register_asset(LAPTOP)
    rpc.mark_lost("LT-0001", "confirmed by incident INC-1")
    refusal = refused(rpc, engine, card_hash=people["sato"], label=label("LT-0001"))
    assert refusal.code == "asset_lost"


def test_checkout_refused_when_already_out_names_holder_and_time(rpc, people, engine):
    rpc.register_asset(LAPTOP)
    out = rpc.checkout(card_hash=people["manager"], **at("k1"), label=label("LT-0001"))
    refusal = refused(rpc, engine, card_hash=people["sato"], label=label("LT-0001"))
    assert refusal.code == "asset_already_out"
    since = datetime.fromisoformat(out["checked_out_at"]).astimezone(timezone(timedelta(hours=9)))
    assert refusal.params == {"tag": "LT-0001", "holder_name": "田中 一郎",
                              "since": since.strftime("%Y-%m-%d %H:%M")}
    assert "田中 一郎さんが" in refusal.message("ja")
    assert "already out with 田中 一郎 since" in refusal.message("en")


def test_checkout_refused_when_training_missing(rpc, people, engine):
    rpc.register_asset(LAPTOP)
    refusal = refused(rpc, engine, card_hash=people["ito"], label=label("LT-0001"))
    assert refusal.code == "training_missing"
    assert "研修" in refusal.message("ja")


def test_checkout_refused_when_training_expired(rpc, people, engine):
    rpc.register_asset(LAPTOP)
    rpc.update_employee("E002", {"training_completed_at": hours_ago(24 * 400)})
    refusal = refused(rpc, engine, card_hash=people["ito"], label=label("LT-0001"))
    assert refusal.code == "training_expired" and refusal.params["valid_days"] == "365"
    assert "expired" in refusal.message("en")


def test_asset_without_customer_data_needs_no_training(rpc, people):
    rpc.register_asset(LAPTOP | {"data_categories": [], "customer_ids": [], "approx_persons": 0})
    assert rpc.checkout(card_hash=people["ito"], **at("k1"), label=label("LT-0001"))["tag"] == "LT-0001"


def test_checkout_refused_for_unencrypted_usb_with_customer_data(rpc, people, engine):
    rpc.register_asset(USB)
    refusal = refused(rpc, engine, card_hash=people["sato"], label=label("USB-0007"))
    assert refusal.code == "usb_unencrypted_customer_data"
    rpc.update_asset("USB-0007", {"encryption": "full_disk", "cipher": "AES-256"})
    assert rpc.checkout(card_hash=people["sato"], **at("k1"), label=label("USB-0007"))["tag"] == "USB-0007"


def test_checkout_refused_at_the_item_limit(rpc, people, engine):
    for n in range(3):  # the test config allows two items per person
        rpc.register_asset(LAPTOP | {"tag": f"LT-000{n}", "serial_number": f"S{n}"})
    for n in range(2):
        rpc.checkout(card_hash=people["sato"], **at("k1"), label=label(f"LT-000{n}"))
    refusal = refused(rpc, engine, card_hash=people["sato"], label=label("LT-0002"))
    assert refusal.code == "max_items_reached" and refusal.params == {"held": "2", "max_items": "2"}


@pytest.mark.parametrize("scanned, problem", [
    (make_payload("LT-0001", b"someone-elses-secret-123"), "signature does not match"),
    (label("LT-0002").replace("LT-0002", "LT-0001"), "signature does not match"),  # copied label, edited tag
    ("LT-0001", "not an asset label"),  # hand-made label with only the tag
    (label("LT-0001")[:-1] + ("A" if label("LT-0001")[-1] != "A" else "B"), "signature does not match"),
])
def test_checkout_refused_for_forged_or_damaged_label(rpc, people, engine, scanned, problem):
    rpc.register_asset(LAPTOP)
    refusal = refused(rpc, engine, card_hash=people["sato"], label=scanned)
    assert refusal.code == "label_invalid" and refusal.params["problem"] == problem


def test_checkout_refused_for_due_time_in_the_past(rpc, people, engine):
    rpc.register_asset(LAPTOP)
    refusal = refused(rpc, engine, card_hash=people["sato"], label=label("LT-0001"), due_at=hours_ago(1))
    assert refusal.code == "due_invalid"


def test_return_refused_when_not_out(rpc, people, engine):
    rpc.register_asset(LAPTOP)
    before = ledger_state(engine)
    with pytest.raises(CustodyRefusal) as info:
        rpc.return_asset(**at("k1"), label=label("LT-0001"))
    assert info.value.code == "asset_not_out" and ledger_state(engine) == before
