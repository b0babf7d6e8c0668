"""Every custody RPC answer, as a caller receives it over RabbitMQ, is exactly its contracts.answers model."""
from datetime import datetime, timedelta, timezone

from pydantic import BaseModel, TypeAdapter

from contracts import answers
from tests.custody.conftest import LAPTOP, at, card, label

USB = LAPTOP | {"tag": "USB-0001", "kind": "usb_storage", "model_number": "DTX-32", "serial_number": "U-1"}
TIMES = ("checked_out_at", "due_at", "overdue_at", "returned_at", "training_completed_at", "generated_at")


def parsed(answer, model) -> BaseModel | tuple:
    """The answer read back as a caller would; it must dump to the very same JSON (no field lost or added)."""
    adapter = TypeAdapter(model)
    value = adapter.validate_python(answer)
    assert adapter.dump_python(value, mode="json") == answer
    return value


def times_in(answer) -> list[str]:
    if isinstance(answer, dict):
        return [v for k, v in answer.items() if k in TIMES and v] + [t for v in answer.values() for t in times_in(v)]
    return [t for v in answer for t in times_in(v)] if isinstance(answer, list) else []


def test_every_custody_answer_is_its_contract_model(rpc, people):
    seen: list = []

    def check(answer, model):
        seen.append(answer)
        return parsed(answer, model)

    check(rpc.register_asset(LAPTOP), answers.Asset)
    check(rpc.register_asset(USB), answers.Asset)
    check(rpc.update_asset("LT-0001", {"colour": "black"}), answers.Asset)
    check(rpc.register_employee({"employee_number": "E009", "name": "山田 太郎", "email": "yamada@example.co.jp",
                                 "manager_number": "M001"}), answers.Employee)
    check(rpc.update_employee("E009", {"department": "Legal"}), answers.Employee)
    found = check(rpc.get_employee("E009"), answers.EmployeeWithManager)
    assert found.department == "Legal" and found.manager.employee_number == "M001" and found.manager.name == "田中 一郎"
    assert check(rpc.get_employee("M001"), answers.EmployeeWithManager).manager is None
    check(rpc.bind_card("E009", card(9)), answers.Employee)
    check(rpc.register_kiosk("k9", "9F cabinet"), answers.KioskRegistered)
    assert rpc.disable_kiosk("k9") is None
    greeted = check(rpc.employee_by_card(**at("k1"), card_hash=people["sato"]), answers.Employee)
    assert greeted.name == "佐藤 花子" and greeted.card_bound
    roster = check(rpc.kiosk_roster(**at("k1")), answers.Roster)
    assert {a.tag for a in roster.assets} == {"LT-0001", "USB-0001"}

    to_take = check(rpc.preview_scan(**at("k1"), label=label("LT-0001"), card_hash=people["sato"]),
                    answers.ScanPreview)
    assert isinstance(to_take, answers.CheckoutPreview) and to_take.employee.employee_number == "E001"
    taken = check(rpc.checkout(**at("k1"), card_hash=people["sato"], label=label("LT-0001"), request_id="r-1"),
                  answers.CheckoutDone)
    again = check(rpc.checkout(**at("k1"), card_hash=people["sato"], label=label("LT-0001"), request_id="r-1"),
                  answers.CheckoutDone)
    assert (taken.replayed, again.replayed, again.custody_id) == (False, True, taken.custody_id)
    late = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()
    check(rpc.checkout(**at("k1"), card_hash=people["sato"], label=label("USB-0001"), occurred_at=late),
          answers.CheckoutDone)
    to_return = check(rpc.preview_scan(**at("k1"), label=label("LT-0001")), answers.ScanPreview)
    assert isinstance(to_return, answers.ReturnPreview) and to_return.holder.name == "佐藤 花子"
    check(rpc.list_checked_out(), tuple[answers.CustodyRecord, ...])
    check(rpc.health(), answers.Health)

    back = check(rpc.return_asset(**at("k2"), label=label("LT-0001"), card_hash=people["sato"]), answers.ReturnDone)
    assert back.returned_by.name == "佐藤 花子" and back.returned_at is not None
    check(rpc.mark_lost("LT-0001", "left on a train"), answers.Asset)
    found = check(rpc.return_asset(**at("k2"), label=label("LT-0001")), answers.LostAssetReturned)
    assert found.recovered and found.custody_id is None
    history = check(rpc.get_asset("LT-0001"), answers.AssetWithHistory)
    assert len(history.history) == 1 and history.status == "available"
    check(rpc.retire_asset("LT-0001", "broken"), answers.Asset)
    still = check(rpc.retire_employee("E001", "moved"), answers.RetiredEmployee)
    assert still.still_holding == ("USB-0001",)
    check(rpc.verify_audit_chain(), answers.AuditChain)

    # times travel as datetime.isoformat() writes them, with their offset (what kiosks and tests read)
    stamps = times_in(seen)
    assert stamps and all(datetime.fromisoformat(t).isoformat() == t for t in stamps)


def test_callers_read_answers_with_the_parse_helpers(rpc, people):
    rpc.register_asset(LAPTOP)
    assert answers.parse_preview(rpc.preview_scan(**at("k1"), tag="LT-0001", card_hash=people["sato"])).action == "checkout"
    rpc.checkout(**at("k1"), card_hash=people["sato"], tag="LT-0001")
    [record] = answers.parse_records(rpc.list_checked_out())
    assert record.tag == "LT-0001" and record.holder.employee_number == "E001"
    assert isinstance(answers.parse_return(rpc.return_asset(**at("k1"), tag="LT-0001")), answers.ReturnDone)
    assert answers.parse_records(rpc.list_overdue()) == ()
