"""The incident service over real RabbitMQ: opened once per loss, the report, duties, reminders, closing."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts import events as ev
from contracts.errors import IncidentRefusal
from contracts.examples import EXAMPLES
from incident.models import Incident, ReportVersion, TimelineEntry
from tests.incident.conftest import ADMIN, PO, RESPONDER, VIEWER, loss_report

EXAMPLE = next(e for e in EXAMPLES if isinstance(e, ev.PossibleLossDetected))
NO_PROTECTION = ev.Protection(encryption="none")


def possible_loss(**changes) -> ev.PossibleLossDetected:
    """The example event as a fresh occurrence (new event_id), detected now."""
    now = datetime.now(timezone.utc)
    return EXAMPLE.model_copy(update={"event_id": str(uuid.uuid4()), "occurred_at": now, "detected_at": now} | changes)


def refusal(call, *args, **kwargs) -> IncidentRefusal:
    with pytest.raises(IncidentRefusal) as info:
        call(*args, **kwargs)
    return info.value


def wait_for_incident(rpc, timeout: float = 5.0) -> dict:
    import eventlet
    deadline = datetime.now() + timedelta(seconds=timeout)
    while datetime.now() < deadline:
        if found := rpc.list_incidents(VIEWER):
            return rpc.get_incident(VIEWER, found[0]["reference"])
        eventlet.sleep(0.05)
    raise AssertionError("no incident opened")


def counts(engine) -> dict:
    with Session(engine) as s:
        return {"incidents": s.scalar(select(func.count()).select_from(Incident)),
                "reports": s.scalar(select(func.count()).select_from(ReportVersion)),
                "timeline": s.scalar(select(func.count()).select_from(TimelineEntry))}


def test_possible_loss_delivered_twice_opens_one_incident_prefilled_from_the_snapshot(
        incident_rpc, publish, incident_events):
    event = possible_loss()
    publish(event)
    publish(event)  # at-least-once delivery: the same occurrence again
    opened = incident_events.wait_for("incident_opened")
    more = [kind for kind, _ in incident_events.collect(1.5)]
    assert more.count("incident_opened") == 0
    incidents = incident_rpc.list_incidents(VIEWER)
    assert len(incidents) == 1
    detail = incident_rpc.get_incident(VIEWER, incidents[0]["reference"])
    assert detail["summary"]["status"] == "suspected" and opened["incident"]["reference"] == incidents[0]["reference"]
    assert detail["asset"]["serial_number"] == "SN-778812" and detail["asset"]["colour"] == "silver"
    assert detail["summary"]["holder"]["name"] == "佐藤 花子" and detail["summary"]["manager"]["name"] == "田中 一郎"
    assert detail["checkout"]["kiosk_id"] == "kiosk-3F" and detail["protection"]["cipher"] == "AES-256 XTS"
    assert detail["ledger_inventory"]["approx_persons"] == 1200
    assert opened["source_event_id"] == event.event_id and opened["origin"] == "possible_loss"


def test_the_opened_incident_event_carries_every_open_deadline_and_what_the_first_e_mails_show(
        incident_rpc, publish, incident_events):
    publish(possible_loss(protection=NO_PROTECTION))
    opened = incident_events.wait_for("incident_opened")
    detail = incident_rpc.get_incident(VIEWER, opened["incident"]["reference"])
    listed = opened["incident"]["open_deadlines"]
    assert {d["duty_code"] for d in listed} == {d["code"] for d in detail["duties"] if d["required"] and d["due_at"]}
    assert len(listed) >= 3 and [d["due_at"] for d in listed] == sorted(d["due_at"] for d in listed)
    assert listed[0] == opened["incident"]["next_deadline"]
    assert opened["checkout"]["kiosk_id"] == "kiosk-3F" and opened["protection"]["encryption"] == "none"
    assert opened["data_inventory"]["approx_persons"] == 1200


def test_report_completed_recomputes_the_duties_and_keeps_every_version(incident_rpc, publish, incident_events):
    publish(possible_loss(protection=NO_PROTECTION))
    detail = wait_for_incident(incident_rpc)
    ref = detail["summary"]["reference"]
    required = {d["code"] for d in detail["duties"] if d["required"]}
    assert {"appi_ppc_preliminary", "appi_ppc_final", "gdpr_authority"} <= required  # 1,200 persons, unencrypted
    now = datetime.now(timezone.utc)
    first = incident_rpc.submit_report(RESPONDER, ref, loss_report(now))
    # version 2 adds health data of one customer: sensitive data is case (1) even for one person
    second = loss_report(now, data=[*loss_report(now)["data"], {"category": "health", "present": "unknown"}])
    after = incident_rpc.submit_report(RESPONDER, ref, second)
    assert [r["version"] for r in after["reports"]] == [1, 2] and first["summary"]["status"] == "confirmed"
    assert after["appi_cases"] == [1, 4] and "health" in after["inventory"]["categories"]
    assert any("最後に確認" in e["said"]["ja"] and e["place"] == "山手線 品川駅" for e in after["timeline"])
    assert any(e["kind"] == "told" and "田中 一郎" in e["said"]["en"] for e in after["timeline"])
    changes = [b["change"] for kind, b in incident_events.collect(1.0) if kind == "incident_updated"]
    assert changes.count("report") == 2


@pytest.mark.parametrize("problem, code", [
    ({"data": [{"category": "name", "present": "yes"}]}, "report_drops_data"),       # email, phone vanished
    ({"forgotten": {"offline_files": "no"}}, "report_incomplete"),                   # prompts not answered
    ({"data": [{"category": c, "present": "no"} for c in ("name", "email", "phone")]}, "report_incomplete"),  # no reason
    ({"last_seen_at": "2026-11-29T10:00:00"}, "invalid_input"),                      # no time zone
])
def test_a_report_that_would_lose_information_is_refused_and_changes_nothing(incident_rpc, publish, incident_engine,
                                                                             problem, code):
    publish(possible_loss())
    ref = wait_for_incident(incident_rpc)["summary"]["reference"]
    before = counts(incident_engine)
    refused = refusal(incident_rpc.submit_report, RESPONDER, ref, loss_report(datetime.now(timezone.utc), **problem))
    assert refused.code == code and refused.message("ja") and refused.message("en")
    assert counts(incident_engine) == before


def test_the_timeline_is_never_edited_only_superseded(incident_rpc, publish):
    publish(possible_loss())
    ref = wait_for_incident(incident_rpc)["summary"]["reference"]
    at = datetime.now(timezone.utc) - timedelta(hours=5)
    added = incident_rpc.add_timeline(RESPONDER, ref, {"at": at.isoformat(), "place": "渋谷", "text": "カフェで作業"})
    wrong = next(e for e in added["timeline"] if e["text"] == "カフェで作業")
    fixed = incident_rpc.add_timeline(RESPONDER, ref, {"at": at.isoformat(), "place": "恵比寿", "text": "カフェで作業（恵比寿）",
                                                       "supersedes": wrong["id"]})
    old = next(e for e in fixed["timeline"] if e["id"] == wrong["id"])
    new = next(e for e in fixed["timeline"] if e["supersedes"] == wrong["id"])
    assert old["superseded"] is True and old["text"] == "カフェで作業" and new["place"] == "恵比寿"
    again = refusal(incident_rpc.add_timeline, RESPONDER, ref, {"at": at.isoformat(), "text": "x", "supersedes": wrong["id"]})
    assert again.code == "invalid_input"
    garbled = refusal(incident_rpc.add_timeline, RESPONDER, ref, {"at": at.isoformat(), "text": "x", "supersedes": "abc"})
    assert garbled.code == "invalid_input" and garbled.params["field"] == "supersedes"


def test_a_new_report_version_adds_only_new_facts_to_the_timeline(incident_rpc, publish):
    publish(possible_loss())
    ref = wait_for_incident(incident_rpc)["summary"]["reference"]
    now = datetime.now(timezone.utc)
    first = incident_rpc.submit_report(RESPONDER, ref, loss_report(now))
    moves = loss_report(now)["movements"] + [{"at": now.isoformat(), "place": "遺失物センター", "text": "届出を提出"}]
    second = incident_rpc.submit_report(RESPONDER, ref, loss_report(now, movements=moves))
    facts = [e["said"]["ja"] for e in second["timeline"] if e["kind"] in ("fact", "told")]
    assert len(facts) == len(set(facts)) == len([e for e in first["timeline"] if e["kind"] in ("fact", "told")]) + 1
    assert any("changed: movements" in e["said"]["en"] and "変更：前後の行動" in e["said"]["ja"] for e in second["timeline"])


def test_a_viewer_may_look_but_not_act(incident_rpc, publish, incident_engine):
    publish(possible_loss())
    ref = wait_for_incident(incident_rpc)["summary"]["reference"]
    before = counts(incident_engine)
    now = datetime.now(timezone.utc)
    for call, args in [(incident_rpc.submit_report, (ref, loss_report(now))),
                       (incident_rpc.add_timeline, (ref, {"at": now.isoformat(), "text": "x"})),
                       (incident_rpc.close, (ref, "resolved", "done")),
                       (incident_rpc.ppc_report, (ref,))]:
        refused = refusal(call, VIEWER, *args)
        assert refused.code == "not_permitted" and "viewer" in refused.message("en")
    assert counts(incident_engine) == before


def test_deadline_reminders_go_out_once_each(incident_rpc, publish, incident_events):
    """Lead times 100 h and 24 h in the test settings: the 72-hour GDPR limit is within 100 h at once."""
    publish(possible_loss(protection=NO_PROTECTION))
    ref = wait_for_incident(incident_rpc)["summary"]["reference"]
    approaching = incident_events.wait_for("incident_deadline_approaching")
    assert approaching["lead_hours"] == 100 and approaching["incident"]["reference"] == ref
    # the company became aware four days ago: the preliminary report's 3-day target has passed
    incident_rpc.set_facts(PO, ref, {"aware_at": (datetime.now(timezone.utc) - timedelta(days=4)).isoformat()})
    first = incident_events.wait_for("incident_deadline_missed", timeout=5)
    later = [body for kind, body in incident_events.collect(2.0) if kind == "incident_deadline_missed"]
    missed = [b["deadline"]["duty_code"] for b in [first, *later]]
    now = datetime.now(timezone.utc).isoformat()
    past_due = {d["code"] for d in incident_rpc.get_incident(VIEWER, ref)["duties"]
                if d["required"] and d["due_at"] and d["due_at"] < now}
    assert sorted(missed) == sorted(past_due) and "appi_ppc_preliminary" in past_due  # each once, over many ticks


def test_a_recovered_asset_may_be_closed_as_no_leak(incident_rpc, publish, incident_events):
    publish(possible_loss())
    ref = wait_for_incident(incident_rpc)["summary"]["reference"]
    assert refusal(incident_rpc.close, PO, ref, "no_leak", "returned").code == "not_recovered"
    recovered = next(e for e in EXAMPLES if isinstance(e, ev.AssetRecovered))
    publish(recovered.model_copy(update={"event_id": str(uuid.uuid4())}))
    update = incident_events.wait_for("incident_updated", predicate=lambda b: b["change"] == "recovered")
    assert update["incident"]["status"] == "recovered"
    closed = incident_rpc.close(PO, ref, "no_leak", "翌朝、未開封のまま返却 / returned unopened the next morning")
    assert closed["summary"]["status"] == "closed" and closed["resolution"] == "no_leak"
    assert incident_events.wait_for("incident_closed")["resolution"] == "no_leak"
    assert refusal(incident_rpc.add_timeline, PO, ref, {"at": datetime.now(timezone.utc).isoformat(),
                                                         "text": "x"}).code == "incident_closed"


def test_marked_lost_in_the_ledger_confirms_the_suspected_incident(incident_rpc, publish, incident_events):
    publish(possible_loss())
    ref = wait_for_incident(incident_rpc)["summary"]["reference"]
    lost = next(e for e in EXAMPLES if isinstance(e, ev.AssetMarkedLost))
    publish(lost.model_copy(update={"event_id": str(uuid.uuid4())}))
    update = incident_events.wait_for("incident_updated", predicate=lambda b: b["detail"] == "marked lost")
    assert update["incident"]["status"] == "confirmed"
    assert any("台帳で紛失と確定" in e["said"]["ja"] for e in incident_rpc.get_incident(VIEWER, ref)["timeline"])


def test_open_prevention_actions_block_closing_unless_a_manager_records_why(incident_rpc, publish):
    publish(possible_loss())
    ref = wait_for_incident(incident_rpc)["summary"]["reference"]
    incident_rpc.record_review(RESPONDER, ref, {"causes": [
        {"category": "workload", "text": "月末の繁忙で持ち帰り作業が常態化"},
        {"category": "procedure", "text": "持ち出し時の鞄の指定がない"}]})
    out = incident_rpc.add_action(RESPONDER, ref, {"description": "持ち出し専用の鞄を配布", "owner": "総務部",
                                                   "due_on": "2026-12-20"})
    assert refusal(incident_rpc.close, PO, ref, "resolved", "対応完了").code == "actions_open"
    assert refusal(incident_rpc.close, PO, ref, "resolved", "対応完了", "予算待ち").code == "not_permitted"
    incident_rpc.update_action(RESPONDER, ref, out["action_id"], "done")
    closed = incident_rpc.close(PO, ref, "resolved", "対応完了")
    assert closed["summary"]["status"] == "closed" and closed["actions"][0]["status"] == "done"
    assert closed["review"]["causes"][0]["category"] == "workload"


def test_an_admin_may_close_with_open_actions_and_the_reason_is_on_the_timeline(incident_rpc, publish):
    publish(possible_loss())
    ref = wait_for_incident(incident_rpc)["summary"]["reference"]
    incident_rpc.add_action(RESPONDER, ref, {"description": "全社研修の改訂", "owner": "情報セキュリティ室",
                                             "due_on": "2027-03-31"})
    closed = incident_rpc.close(ADMIN, ref, "resolved", "対応完了", "研修改訂は年度計画で追跡")
    assert any("研修改訂は年度計画で追跡" in e["said"]["en"] for e in closed["timeline"])


def test_measures_toward_the_employee_follow_labour_law(incident_rpc, publish):
    publish(possible_loss())
    ref = wait_for_incident(incident_rpc)["summary"]["reference"]
    base = {"employee_number": "E001"}
    assert refusal(incident_rpc.record_measure, PO, ref, base | {
        "kind": "cost_claim", "actual_cost_yen": 200000, "claimed_yen": 50000,
        "penalty_fixed_in_advance": True}).code == "penalty_fixed_in_advance"
    assert refusal(incident_rpc.record_measure, PO, ref, base | {
        "kind": "disciplinary", "disciplinary_action": "dismissal"}).code == "legal_review_required"
    assert refusal(incident_rpc.record_measure, RESPONDER, ref, base | {"kind": "reprimand"}).code == "not_permitted"
    out = incident_rpc.record_measure(PO, ref, base | {"kind": "cost_claim", "actual_cost_yen": 200000,
                                                       "claimed_yen": 150000})
    notes = {n["code"] for n in out["measures"][0]["notes"]}
    assert {"no_advance_penalty", "half_ceiling", "over_half"} <= notes and out["measures"][0]["decided_by"] == "kobayashi"
    out = incident_rpc.record_measure(PO, ref, base | {"kind": "damages_claim", "summary": "顧客からの損害賠償"})
    assert "民事" in out["measures"][-1]["notes"][0]["ja"]


def test_a_person_may_report_a_loss_of_an_asset_not_in_the_ledger(incident_rpc, incident_events):
    out = incident_rpc.report_loss(RESPONDER, {"kind": "usb_storage", "description": "会社支給のUSBメモリ（台帳未登録）",
                                               "categories": ["name", "health"], "approx_persons": 1,
                                               "holder_name": "伊藤 次郎", "holder_number": "E003",
                                               "holder_email": "ito@example.co.jp"})
    assert out["summary"]["status"] == "confirmed" and out["origin"] == "reported"
    assert out["appi_cases"] == [1]  # one person's health data
    assert {d["code"] for d in out["duties"] if d["required"]} >= {"appi_ppc_preliminary", "appi_notify_persons"}
    assert incident_events.wait_for("incident_opened")["origin"] == "reported"
    assert refusal(incident_rpc.report_loss, RESPONDER, {"kind": "laptop"}).code == "invalid_input"


def test_the_ppc_report_draft_has_the_nine_items(incident_rpc, publish):
    publish(possible_loss(protection=NO_PROTECTION))
    ref = wait_for_incident(incident_rpc)["summary"]["reference"]
    incident_rpc.submit_report(RESPONDER, ref, loss_report(datetime.now(timezone.utc),
                                                          circumstances="<script>alert(1)</script> 網棚に置いた"))
    markdown = incident_rpc.ppc_report(PO, ref, "markdown")
    titles = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert len(titles) == 9 and titles[2].startswith("## 3. ") and "1,200名" in markdown
    assert "第4号" in markdown and "メールアドレス" in markdown and ref in markdown
    html = incident_rpc.ppc_report(PO, ref, "html")
    assert html.count("<section") == 9 and "&lt;script&gt;" in html and "<script>" not in html


def test_the_health_check_answers_while_the_service_runs(incident_rpc, rabbit_config, monkeypatch, capsys):
    from incident import cli
    monkeypatch.setenv("AMQP_URI", rabbit_config["AMQP_URI"])
    assert cli.main(["health"]) == 0 and '"outbox_pending": 0' in capsys.readouterr().out


def test_the_health_check_fails_when_no_service_answers(rabbit_config, monkeypatch, capsys):
    from incident import cli
    monkeypatch.setenv("AMQP_URI", rabbit_config["AMQP_URI"])
    assert cli.main(["health"]) == 1 and "incident not answering / 応答なし" in capsys.readouterr().err
