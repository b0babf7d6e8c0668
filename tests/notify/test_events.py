"""Each event notify consumes → the right e-mails to the right people, decoded and compared; sent once."""
from __future__ import annotations

import pytest
from contracts import events as ev
from contracts.examples import EXAMPLES

from tests.notify.conftest import wait_until

EXAMPLE = {type(e): e for e in EXAMPLES}
LOSS = "【紛失の可能性】ノートPC LT-0001（佐藤 花子）が返却期限 11月30日 18:00 を過ぎています"
OPENED = "【インシデント】INC-2026-0007 を起票しました：ノートPC LT-0001 の紛失の疑い / possible loss of laptop LT-0001"
NEAR = "【期限接近】INC-2026-0007：個人情報保護委員会への速報（12月3日 18:00まで）"
MISSED = "【期限超過】INC-2026-0007：個人情報保護委員会への速報の期限（12月3日 18:00）を過ぎました"
STAFF = ("privacy@example.co.jp", "security@example.co.jp")

# event → {recipient: (display name, subject, words the plain-text part must contain)}
EXPECTED = {
    ev.PossibleLossDetected: {
        "sato@example.co.jp": ("佐藤 花子", "【至急】ノートPC LT-0001 の返却期限（11月30日 18:00）を過ぎています",
                               ["佐藤 花子 様", "キオスク", "03-1234-5678"]),
        "tanaka@example.co.jp": ("田中 一郎", LOSS, ["田中 一郎 様", "SN-778812", "約1,200人", "ディスク全体の暗号化"]),
        "security@example.co.jp": ("", LOSS, ["セキュリティチーム各位", "SN-778812"]),
    },
    ev.IncidentOpened: {a: ("", OPENED, ["返却期限超過による自動起票", "INC-2026-0007", "紛失の疑い"]) for a in STAFF},
    ev.IncidentDeadlineApproaching: {a: ("", NEAR, ["個人情報保護法第26条", "残り約24時間"]) for a in STAFF},
    ev.IncidentDeadlineMissed: {a: ("", MISSED, ["直ちに対応してください", "12月3日 18:00"]) for a in STAFF},
    ev.IncidentClosed: {a: ("", "【完了】INC-2026-0007 をクローズしました（漏えいなし）",
                            ["漏えいなし", "M001", "returned unopened the next morning"]) for a in STAFF},
    ev.CustomerNoticeRequested: {
        "customer1@example.com": ("山田 太郎", "【お詫び】お客様の個人情報に関するお知らせ（株式会社サンプル）",
                                  ["山田 太郎 様", "深くお詫び申し上げます", "INC-2026-0007"]),
        "c2@example.org": ("Jane Doe", "Our apologies: a notice about your personal data (株式会社サンプル)",
                           ["Dear Jane Doe,", "sincerely apologise", "INC-2026-0007"]),
    },
}


def mail_by_recipient(smtp, count: int) -> dict:
    received = wait_until(lambda: (found := smtp.received()) and len(found) >= count and found, what=f"{count} e-mails")
    return {envelope["rcpt_tos"][0]: (envelope, msg) for envelope, msg in received}


@pytest.mark.parametrize("kind", list(EXPECTED), ids=lambda kind: kind.event_type)
def test_event_sends_the_right_decoded_mail_to_each_recipient(smtp, start_notify, publish, notify_rpc, kind):
    start_notify()
    publish(EXAMPLE[kind])

    expected = EXPECTED[kind]
    got = mail_by_recipient(smtp, len(expected))
    assert sorted(got) == sorted(expected)
    for address, (name, subject, words) in expected.items():
        envelope, msg = got[address]
        head = envelope["raw"].split(b"\r\n\r\n", 1)[0]
        assert head.isascii()  # Japanese only in RFC 2047 encoded-words, bodies in base64/QP
        assert msg["Subject"] == subject
        assert msg["To"].addresses[0].display_name == name
        assert msg["From"].addresses[0].display_name == "機器管理システム"
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        for word in words:
            assert word in text
        assert "INC-2026-0007" in html or "LT-0001" in html
    log = wait_until(lambda: [e for e in notify_rpc.delivery_log(status="sent") if e["event_type"] == kind.event_type]
                     if len(notify_rpc.delivery_log(status="sent")) == len(expected) else None, what="delivery log")
    assert sorted(e["recipient"] for e in log) == sorted(expected)
    assert {e["message_id"] for e in log} == {got[a][1]["Message-ID"] for a in expected}


def test_the_holder_is_written_to_in_the_language_of_the_ledger(smtp, start_notify, publish):
    start_notify()
    emma = ev.Person(employee_number="E003", name="Emma Clark", email="emma.clark@example.co.jp", language="en")
    publish(EXAMPLE[ev.PossibleLossDetected].model_copy(update={"event_id": "00000000-0000-4000-8000-000000000099",
                                                              "holder": emma}))
    got = mail_by_recipient(smtp, 3)
    holder = got["emma.clark@example.co.jp"][1]
    assert holder["Subject"].isascii() and "LT-0001" in holder["Subject"]
    assert "Emma Clark" in holder.get_body(("plain",)).get_content()
    assert got["tanaka@example.co.jp"][1]["Subject"] == LOSS.replace("佐藤 花子", "Emma Clark")  # the manager reads Japanese


def test_redelivered_event_sends_nothing_twice(smtp, start_notify, publish):
    start_notify(max_workers=1)  # one worker: the queue is taken in order, so "later" comes last
    event = EXAMPLE[ev.IncidentClosed]
    publish(event)
    publish(event)  # the broker's redelivery, or the incident service's outbox publishing twice
    later = event.model_copy(update={"event_id": "00000000-0000-4000-8000-0000000000ff", "reason": "second"})
    publish(later)

    mail = wait_until(lambda: (found := smtp.received()) and len(found) >= 4 and found, what="4 e-mails")
    ids = [msg["Message-ID"] for _, msg in mail]
    assert len(ids) == len(set(ids)) == 4  # two staff addresses × two distinct events


def test_notice_request_by_rpc_and_by_event_share_the_request_id(smtp, start_notify, publish, notify_rpc):
    start_notify()
    notice = EXAMPLE[ev.CustomerNoticeRequested]
    request = notice.model_dump(mode="json", exclude={"event_id", "occurred_at", "version"})
    first = notify_rpc.request_customer_notice(request)
    again = notify_rpc.request_customer_notice(request)
    extra = ev.NoticeRecipient(email="c3@example.net", name="鈴木 一")
    publish(notice.model_copy(update={"recipients": notice.recipients + (extra,)}))

    assert (first["added"], first["existing"]) == (2, 0)
    assert (again["added"], again["existing"]) == (0, 2)
    done = wait_until(lambda: (p := notify_rpc.notice_progress(notice.request_id))["total"] == 3
                      and p["pending"] == 0 and p, what="3 notices sent")
    assert done == {"request_id": notice.request_id, "total": 3, "sent": 3, "failed": 0, "pending": 0}
    assert sorted(env["rcpt_tos"][0] for env, _ in smtp.received()) == [
        "c2@example.org", "c3@example.net", "customer1@example.com"]
