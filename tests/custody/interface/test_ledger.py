"""Keeping the ledger over RPC: registration, updates, retirement, validation, the audit chain."""
import pytest
from nameko.events import event_handler
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import CustodyRefusal
from contracts.events import parse_event
from custody.models import AuditEntry
from tests.custody.conftest import at, LAPTOP, ledger_state


def refusal_of(call, *args, **kwargs) -> CustodyRefusal:
    with pytest.raises(CustodyRefusal) as info:
        call(*args, **kwargs)
    return info.value


def test_registered_asset_is_announced_with_its_data_inventory(rpc, event_log):
    asset = rpc.register_asset(LAPTOP | {"tag": "lt-0001"}, actor="admin:suzuki")
    assert asset["tag"] == "LT-0001" and asset["status"] == "available"
    event = parse_event("asset_registered", event_log.wait_for("asset_registered"))
    assert event.data_inventory.approx_persons == 1200 and event.protection.cipher == "AES-256 XTS"


def test_duplicate_tag_is_refused(rpc, engine):
    rpc.register_asset(LAPTOP)
    before = ledger_state(engine)
    refusal = refusal_of(rpc.register_asset, LAPTOP)
    assert refusal.code == "already_exists" and refusal.params["key"] == "LT-0001"
    assert ledger_state(engine) == before


@pytest.mark.parametrize("bad, field", [
    ({"kind": "toaster"}, "kind"),
    ({"serial_number": ""}, "serial_number"),
    ({"tag": "LT 0001/x"}, "tag"),
    ({"approx_persons": -5}, "approx_persons"),
    ({"data_categories": ["name", "shoe_size"]}, "data_categories.1"),
    ({"encryption": "rot13"}, "encryption"),
    ({"favourite_colour": "red"}, "favourite_colour"),
])
def test_invalid_asset_is_refused_naming_the_field(rpc, engine, bad, field):
    before = ledger_state(engine)
    refusal = refusal_of(rpc.register_asset, LAPTOP | bad)
    assert refusal.code == "invalid_input" and refusal.params["field"] == field
    assert field in refusal.message("en") and "入力が正しくありません" in refusal.message("ja")
    assert ledger_state(engine) == before


def test_update_records_old_and_new_values_in_the_audit_log(rpc, engine):
    rpc.register_asset(LAPTOP)
    updated = rpc.update_asset("LT-0001", {"encryption": "none", "cipher": ""}, actor="admin:suzuki")
    assert updated["protection"]["encryption"] == "none"
    with Session(engine) as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last.actor == "admin:suzuki" and last.action == "asset_updated"
    assert last.details["changes"]["encryption"] == ["full_disk", "none"]


def test_tag_cannot_be_changed_by_update(rpc):
    rpc.register_asset(LAPTOP)
    refusal = refusal_of(rpc.update_asset, "LT-0001", {"tag": "LT-0002"})
    assert refusal.params["field"] == "tag" and "廃棄して登録し直してください" in refusal.message("ja")
    assert "retire and register" in refusal.message("en")


def test_asset_that_is_out_cannot_be_retired(rpc, people):
    from tests.custody.conftest import label
    rpc.register_asset(LAPTOP)
    rpc.checkout(card_hash=people["sato"], **at("k1"), label=label("LT-0001"))
    refusal = refusal_of(rpc.retire_asset, "LT-0001", "broken screen")
    assert refusal.code == "asset_already_out" and refusal.params["holder_name"] == "佐藤 花子"
    assert "佐藤 花子" in refusal.message("ja") and "?" not in refusal.message("en")
    assert rpc.get_asset("LT-0001")["status"] == "checked_out"


def test_retired_employee_can_take_nothing_out_and_is_told_what_they_still_hold(rpc, people, event_log):
    from tests.custody.conftest import label
    rpc.register_asset(LAPTOP)
    rpc.checkout(card_hash=people["sato"], **at("k1"), label=label("LT-0001"))
    answer = rpc.retire_employee("E001", "left the company", actor="hr-admin")
    assert answer["active"] is False and answer["still_holding"] == ["LT-0001"]
    update = event_log.wait_for("employee_updated", predicate=lambda body: body["active"] is False)
    assert update["employee"]["employee_number"] == "E001"
    rpc.register_asset(LAPTOP | {"tag": "LT-0002", "serial_number": "SN-2"})
    refusal = refusal_of(rpc.checkout, card_hash=people["sato"], **at("k1"), label=label("LT-0002"))
    assert refusal.code == "employee_inactive"
    back = rpc.return_asset(**at("k1"), label=label("LT-0001"), card_hash=people["sato"])
    assert back["asset"]["status"] == "available"  # what they held can still come back
    assert rpc.retire_employee("E001")["still_holding"] == []


def test_employee_with_unknown_manager_is_refused(rpc):
    refusal = refusal_of(rpc.register_employee, {"employee_number": "E9", "name": "X", "email": "x@example.com",
                                                 "manager_number": "NOPE"})
    assert refusal.code == "employee_unknown" and refusal.params["employee_number"] == "NOPE"


def test_employee_with_bad_email_is_refused(rpc):
    refusal = refusal_of(rpc.register_employee, {"employee_number": "E9", "name": "X", "email": "not-an-email"})
    assert refusal.code == "invalid_input" and refusal.params["field"] == "email"


def test_card_bound_to_one_employee_cannot_be_bound_to_another(rpc, people):
    assert refusal_of(rpc.bind_card, "E002", people["sato"]).code == "card_in_use"


def test_audit_chain_verifies_and_names_the_first_broken_entry(rpc, people, tamper):
    rpc.register_asset(LAPTOP)
    report = rpc.verify_audit_chain()
    assert report["ok"] is True and report["entries"] == 10  # 3 employees, 3 cards, 3 kiosks, 1 asset
    tamper("UPDATE audit_log SET details = '{\"name\": \"forged\"}' WHERE seq = 2")
    report = rpc.verify_audit_chain()
    assert report == {"ok": False, "entries": 1, "first_broken_seq": 2,
                      "problem": "content does not match its hash"}


class Subscriber:
    """A nameko service of another team, subscribing the standard way."""
    name = "subscriber"
    seen: list = []

    @event_handler("custody", "asset_registered")
    def handle_asset_registered(self, payload):
        Subscriber.seen.append(payload)


def test_a_nameko_event_handler_receives_custody_events(rpc, container_factory, service_config):
    import eventlet
    Subscriber.seen = []
    container_factory(Subscriber, service_config).start()
    rpc.register_asset(LAPTOP)
    for _ in range(50):
        if Subscriber.seen:
            break
        eventlet.sleep(0.1)
    assert [p["asset"]["tag"] for p in Subscriber.seen] == ["LT-0001"]


def test_health_reports_what_is_out_and_overdue(rpc, people):
    from tests.custody.conftest import label
    rpc.register_asset(LAPTOP)
    rpc.checkout(card_hash=people["sato"], **at("k1"), label=label("LT-0001"))
    report = rpc.health()
    assert report["ok"] is True and report["checked_out"] == 1 and report["overdue"] == 0
    assert report["database"] in ("sqlite", "postgresql")
