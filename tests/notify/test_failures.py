"""What goes wrong: refused addresses, an SMTP outage, poison events, header injection."""
from __future__ import annotations

import json
import socket

import pytest
from contracts import events as ev
from contracts.examples import EXAMPLES
from nameko.exceptions import RemoteError

from tests.notify.conftest import SinkProcess, wait_until

NOTICE = next(e for e in EXAMPLES if isinstance(e, ev.CustomerNoticeRequested))
OPENED = next(e for e in EXAMPLES if isinstance(e, ev.IncidentOpened))


def request(request_id: str, *people: tuple[str, str], template: str = "apology_notice", **variables) -> dict:
    return {"request_id": request_id, "incident_reference": "INC-2026-0007", "template": template,
            "variables": {"company": "株式会社サンプル", **variables},
            "recipients": [{"email": email, "name": name} for email, name in people]}


def settled(notify_rpc, request_id: str) -> dict:
    return wait_until(lambda: (p := notify_rpc.notice_progress(request_id))["total"] and not p["pending"] and p,
                      what=f"request {request_id} settled")


def test_permanently_refused_address_fails_at_once_and_is_reported(smtp, start_notify, notify_rpc, broker_queue):
    failures = broker_queue("notify.events", routing_key="delivery_failed")
    smtp.refuse("gone@example.com", "550 5.1.1 no such user")
    start_notify()
    notify_rpc.request_customer_notice(request("r-550", ("gone@example.com", "不在 太郎"), ("ok@example.com", "")))

    event = failures.get(timeout=20)
    event.ack()
    assert settled(notify_rpc, "r-550") == {"request_id": "r-550", "total": 2, "sent": 1, "failed": 1, "pending": 0}
    assert (event.payload["recipient"], event.payload["permanent"], event.payload["attempts"]) == ("gone@example.com", True, 1)
    [failed] = notify_rpc.delivery_log(status="failed")
    assert (failed["recipient"], failed["attempts"], failed["template"]) == ("gone@example.com", 1, "apology_notice")
    assert failed["smtp_response"].startswith("550 5.1.1")
    assert [env["rcpt_tos"] for env, _ in smtp.received()] == [["ok@example.com"]]


def test_temporary_refusal_is_retried_until_the_limit_then_reported(smtp, start_notify, notify_rpc, broker_queue):
    failures = broker_queue("notify.events", routing_key="delivery_failed")
    smtp.refuse("busy@example.com", "451 4.3.0 mailbox busy, try later")
    start_notify(max_attempts=3)
    notify_rpc.request_customer_notice(request("r-451", ("busy@example.com", "")))

    event = failures.get(timeout=20)
    event.ack()
    assert (event.payload["permanent"], event.payload["attempts"]) == (False, 3)
    [failed] = notify_rpc.delivery_log(request_id="r-451")
    assert (failed["status"], failed["attempts"]) == ("failed", 3)
    assert failed["smtp_response"].startswith("451 4.3.0")


def test_smtp_outage_is_retried_and_every_message_goes_out_once_it_is_back(start_notify, notify_rpc, tmp_path):
    with socket.socket() as probe:  # a port where nothing listens yet
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start_notify(smtp={"host": "127.0.0.1", "port": port, "timeout": 2}, max_attempts=100)
    notify_rpc.request_customer_notice(request("r-outage", *[(f"c{n}@example.com", f"顧客 {n}") for n in range(3)]))

    tried = wait_until(lambda: [e for e in notify_rpc.delivery_log(request_id="r-outage")
                                if e["attempts"] >= 2 and e["status"] == "pending"], what="a second attempt during the outage")
    assert "ConnectionRefused" in tried[0]["smtp_response"]
    sink = SinkProcess(tmp_path / "late-smtp", port)  # the relay comes back
    try:
        assert settled(notify_rpc, "r-outage")["sent"] == 3
        ids = sink.sink.message_ids()
        assert len(ids) == len(set(ids)) == 3
    finally:
        sink.stop()


def dead_letter(broker_queue):
    return broker_queue("notify.dead-letter", kind="fanout", name="notify.dead-letter")


def test_unparseable_event_goes_to_the_dead_letter_queue_and_the_next_one_is_sent(smtp, start_notify, publish,
                                                                                   notify_config, broker_queue):
    dlq = dead_letter(broker_queue)
    start_notify()
    from nameko.standalone.events import event_dispatcher
    body = OPENED.to_wire()
    del body["incident"]
    event_dispatcher(notify_config)("incident", "incident_opened", body)
    publish(OPENED)

    parked = dlq.get(timeout=20)
    parked.ack()
    assert parked.headers["x-error"] == "ValidationError"
    assert parked.headers["x-event-type"] == "incident_opened" and parked.headers["x-source-service"] == "incident"
    assert "incident" in parked.headers["x-reason"] and parked.headers["x-event-id"] == OPENED.event_id
    assert json.loads(parked.body) == body
    mail = wait_until(lambda: len(smtp.received()) == 3 and smtp.received(), what="the valid event's mail")
    assert {env["rcpt_tos"][0] for env, _ in mail} == {"tanaka@example.co.jp", "privacy@example.co.jp",
                                                        "security@example.co.jp"}


def test_unrenderable_notice_goes_to_the_dead_letter_queue_naming_the_variable(smtp, start_notify, publish,
                                                                               broker_queue):
    dlq = dead_letter(broker_queue)
    start_notify()
    publish(NOTICE.model_copy(update={"template": "status_report", "request_id": "r-no-summary"}))

    parked = dlq.get(timeout=20)
    parked.ack()
    assert parked.headers["x-error"] == "RenderError" and "'summary'" in parked.headers["x-reason"]
    assert smtp.received() == []


def test_unrenderable_notice_by_rpc_is_refused_in_both_languages(start_notify, notify_rpc):
    start_notify()
    with pytest.raises(RemoteError) as refused:
        notify_rpc.request_customer_notice(request("r-bad", ("a@example.com", ""), template="inquiry_reply"))
    assert "テンプレート" in refused.value.value and "answer" in refused.value.value
    assert notify_rpc.notice_progress("r-bad")["total"] == 0


@pytest.mark.parametrize(("name", "company"), [
    ("山田\r\nBcc: evil@example.com", "株式会社サンプル"),   # through a recipient's name
    ("山田 太郎", "株式会社サンプル\nBcc: evil@example.com"),  # through the subject (a template variable)
    ("山田\u2028Bcc: evil@example.com", "株式会社サンプル"),   # a Unicode line separator
])
def test_header_injection_never_reaches_the_smtp_server(smtp, start_notify, notify_rpc, broker_queue, name, company):
    failures = broker_queue("notify.events", routing_key="delivery_failed")
    start_notify()
    answer = notify_rpc.request_customer_notice(request("r-inject", ("victim@example.com", name), company=company))

    event = failures.get(timeout=20)
    event.ack()
    assert answer["refused"] == 1 and event.payload["permanent"] is True
    [entry] = notify_rpc.delivery_log(request_id="r-inject")
    assert entry["status"] == "failed" and "unsafe header" in entry["smtp_response"]
    assert smtp.received() == []
