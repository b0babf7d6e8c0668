"""A mass customer notice through a real `nameko run`, SIGKILLed halfway and restarted: each message once."""
from __future__ import annotations

from collections import Counter

from nameko.standalone.rpc import ServiceRpcProxy

from tests.notify.conftest import wait_until
from tests.notify.processes import NotifyProcess

COUNT = 400  # the 10,000-message run is benchmarks/notify_mass_send.py
IN_FLIGHT = 4


def test_killed_mid_send_and_restarted_delivers_every_message_once(smtp, rabbit_config, notify_db_url, tmp_path):
    amqp = rabbit_config["AMQP_URI"]
    env = {"NOTIFY_RATE_PER_SECOND": "0", "NOTIFY_SENDER_CONCURRENCY": str(IN_FLIGHT), "NOTIFY_LEASE_SECONDS": "3",
           "NOTIFY_RETRY_BASE_SECONDS": "0.1"}
    log = tmp_path / "notify.log"
    first = NotifyProcess(amqp, notify_db_url, smtp.port, log, **env).wait_ready()
    people = [{"email": f"customer{n:05d}@example.com", "name": f"顧客 {n}", "language": "en" if n % 3 else "ja"}
              for n in range(COUNT)]
    with ServiceRpcProxy("notify", {"AMQP_URI": amqp}, timeout=60) as rpc:
        answer = rpc.request_customer_notice({"request_id": "mass-1", "incident_reference": "INC-2026-0007",
                                              "template": "apology_notice", "variables": {"company": "株式会社サンプル"},
                                              "recipients": people})
        wait_until(lambda: len(smtp.message_ids()) >= COUNT // 2, timeout=120, what="half sent")
        first.kill()
        halfway = len(smtp.message_ids())
        second = NotifyProcess(amqp, notify_db_url, smtp.port, log, **env).wait_ready()
        try:
            done = wait_until(lambda: (p := rpc.notice_progress("mass-1"))["pending"] == 0 and p, timeout=180,
                              what="every notice settled")
            log = rpc.delivery_log(request_id="mass-1", limit=COUNT)
        finally:
            second.stop()

    assert answer["added"] == COUNT and COUNT // 2 <= halfway < COUNT
    assert done == {"request_id": "mass-1", "total": COUNT, "sent": COUNT, "failed": 0, "pending": 0}
    copies = Counter(smtp.message_ids())
    assert set(copies) == {entry["message_id"] for entry in log}  # none missing, nothing unexpected
    resent = {mid for mid, n in copies.items() if n > 1}
    in_doubt = {entry["message_id"] for entry in log if entry["in_doubt"]}
    # the only possible second copies are the messages on the wire at the kill (same Message-ID)
    assert resent <= in_doubt and len(in_doubt) <= IN_FLIGHT
