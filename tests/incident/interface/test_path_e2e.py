"""The whole path over real RabbitMQ, with custody and incident both running:
overdue at custody -> incident opened once (the event delivered twice) -> report completed ->
duties computed -> deadline reminder -> prevention actions done -> closed."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from nameko.standalone.events import event_dispatcher

from tests.custody.conftest import LAPTOP, at, custody, label, people, rpc, service_config  # noqa: F401
from tests.incident.conftest import PO, RESPONDER, VIEWER, loss_report

UNENCRYPTED = LAPTOP | {"encryption": "none", "cipher": "", "key_stored_separately": False}


def test_from_overdue_to_closed(rpc, people, incident_rpc, incident_events, rabbit_config):  # noqa: F811
    rpc.register_asset(UNENCRYPTED)
    due = datetime.now(timezone.utc) + timedelta(seconds=1.5)
    rpc.checkout(card_hash=people["sato"], **at("k1"), label=label("LT-0001"), due_at=due.isoformat(),
                 purpose="C-100 訪問")

    loss = incident_events.wait_for("possible_loss_detected", timeout=6)
    opened = incident_events.wait_for("incident_opened", timeout=5)
    ref = opened["incident"]["reference"]
    assert opened["source_event_id"] == loss["event_id"] and opened["incident"]["asset"]["tag"] == "LT-0001"

    # RabbitMQ delivers at least once: the same occurrence arrives again
    event_dispatcher({"AMQP_URI": rabbit_config["AMQP_URI"]})("custody", "possible_loss_detected", loss)
    again = incident_events.collect(1.5)
    assert "incident_opened" not in [kind for kind, _ in again] and len(incident_rpc.list_incidents(VIEWER)) == 1

    detail = incident_rpc.submit_report(RESPONDER, ref, loss_report(datetime.now(timezone.utc)))
    required = {d["code"]: d for d in detail["duties"] if d["required"]}
    assert detail["appi_cases"] == [4] and set(required) == {
        "appi_ppc_preliminary", "appi_ppc_final", "appi_notify_persons", "gdpr_authority"}
    aware = datetime.fromisoformat(detail["summary"]["aware_at"])
    assert datetime.fromisoformat(required["gdpr_authority"]["limit_at"]) == aware + timedelta(hours=72)
    assert datetime.fromisoformat(required["appi_ppc_final"]["limit_at"]) == aware + timedelta(days=30)

    # lead times of 100 h and 24 h in the test settings: the 72-hour GDPR limit is already within 100 h
    reminders = [body for kind, body in again if kind == "incident_deadline_approaching"]
    reminder = reminders[0] if reminders else incident_events.wait_for("incident_deadline_approaching", timeout=5)
    assert reminder["incident"]["reference"] == ref and reminder["deadline"]["duty_code"] in required

    incident_rpc.record_review(RESPONDER, ref, {"causes": [{"category": "work_style", "text": "直行直帰で持ち帰りが常態化"}]})
    action = incident_rpc.add_action(RESPONDER, ref, {"description": "持ち出し時の鞄ルールを制定", "owner": "総務部",
                                                      "due_on": "2026-12-15"})["action_id"]
    incident_rpc.update_action(RESPONDER, ref, action, "done")
    for code in required:
        incident_rpc.mark_duty_done(PO, ref, code, "提出済み")
    closed = incident_rpc.close(PO, ref, "resolved", "報告・通知を完了し、再発防止策を実施")
    assert closed["summary"]["status"] == "closed" and closed["summary"]["next_deadline"] is None
    assert incident_events.wait_for("incident_closed", timeout=5)["incident"]["reference"] == ref


def test_a_loss_reported_for_a_ledger_asset_starts_from_custodys_ledger(rpc, people, incident_rpc):  # noqa: F811
    rpc.register_asset(UNENCRYPTED)
    out = incident_rpc.report_loss(RESPONDER, {"asset_tag": "lt-0001", "description": "出張先のホテルで紛失",
                                               "categories": ["health"], "customer_ids": ["C-900"]})
    assert out["asset"]["serial_number"] == "SN-778812" and out["asset"]["colour"] == "silver"
    assert out["ledger_inventory"]["categories"] == ["name", "email", "phone", "health"]  # the reporter's addition kept
    assert out["ledger_inventory"]["customer_ids"] == ["C-100", "C-200", "C-900"]
    assert out["ledger_inventory"]["approx_persons"] == 1200 and out["protection"]["encryption"] == "none"
    assert out["appi_cases"] == [1, 4]
    unknown = incident_rpc.report_loss(RESPONDER, {"asset_tag": "XX-9999", "kind": "usb_storage",
                                                   "description": "台帳にないUSBメモリ"})
    assert unknown["asset"]["tag"] == "XX-9999" and any("台帳外" in e["said"]["ja"] for e in unknown["timeline"])


def test_a_loss_reported_for_an_employee_takes_their_manager_and_department_from_the_ledger(rpc, people,  # noqa: F811
                                                                                          incident_rpc):
    out = incident_rpc.report_loss(RESPONDER, {"kind": "usb_storage", "description": "USBメモリを紛失",
                                               "holder_number": "E001"})
    assert out["summary"]["holder"] == {"employee_number": "E001", "name": "佐藤 花子", "email": "sato@example.co.jp",
                                        "department": "Sales", "language": "ja"}  # blank name and e-mail filled in
    assert out["summary"]["manager"]["employee_number"] == "M001" and out["summary"]["manager"]["name"] == "田中 一郎"
    typed = incident_rpc.report_loss(RESPONDER, {"description": "スマートフォンを紛失", "holder_number": "E002",
                                                 "holder_name": "伊藤 健（営業2課）"})
    assert typed["summary"]["holder"]["name"] == "伊藤 健（営業2課）"  # what the reporter typed stays
    assert typed["summary"]["manager"]["name"] == "田中 一郎"
    unknown = incident_rpc.report_loss(RESPONDER, {"description": "紛失", "holder_number": "E999"})
    assert unknown["summary"]["holder"] is None and unknown["summary"]["manager"] is None
