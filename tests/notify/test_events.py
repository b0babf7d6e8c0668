"""Each event notify consumes → the right e-mails to the right people, decoded and compared; sent once."""
from __future__ import annotations

import pytest
from contracts import events as ev
from contracts.examples import EXAMPLES

from tests.notify.conftest import CONSOLE_URL, DESK, wait_until
from tests.notify.mailcheck import html_text, japanese_in, stray_codes, words_of

EXAMPLE = {type(e): e for e in EXAMPLES}
HOLDER_LOSS = "【至急】ノートPC LT-0001 の返却期限（11月30日(月) 18:00 JST）を過ぎています"
OPENED = "【インシデント】INC-2026-0007：ノートPC LT-0001（紛失の疑い）"
NEAR = "【期限接近】INC-2026-0007：個人情報保護委員会への速報（12月3日(木) 18:00 JSTまで）"
MISSED = "【期限超過】INC-2026-0007：個人情報保護委員会への速報の期限（12月3日(木) 18:00 JST）を過ぎました"
RECOVERED = "【回収】機器 LT-0001 が返却されました（佐藤 花子）：インシデントのクローズを判断してください"
STAFF = ("privacy@example.co.jp", "security@example.co.jp")
LINK = f"{CONSOLE_URL}/incidents/INC-2026-0007"
DEADLINES = ["個人情報保護委員会への速報（個人情報保護法第26条）: 12月3日(木) 18:00 JST（目安）",
             "個人情報保護委員会への確報（個人情報保護法第26条）: 12月30日(水) 18:00 JST（法定期限）"]

# event → {recipient: (display name, subject, words the plain-text part must contain)}
EXPECTED = {
    ev.PossibleLossDetected: {
        "sato@example.co.jp": ("佐藤 花子", HOLDER_LOSS, ["佐藤 花子 様", "キャビネット 3F-A のキオスク", "情報セキュリティ窓口（03-1234-5678）",
                                                   DESK.email, DESK.location_ja]),
    },
    ev.IncidentOpened: {
        "tanaka@example.co.jp": ("田中 一郎", "【要対応】佐藤 花子さんのノートPC LT-0001 が返却されていません（INC-2026-0007）",
                                 ["田中 一郎 様", "今すぐ佐藤 花子さんに連絡し", "SN-778812", "約1,200人", DESK.phone, LINK,
                                  "個人情報保護委員会への速報 12月3日(木) 18:00 JST（目安）"]),
        **{a: ("", OPENED, ["返却期限超過による自動起票", "ディスク全体の暗号化", DESK.phone, LINK, *DEADLINES]) for a in STAFF},
    },
    ev.IncidentDeadlineApproaching: {a: ("", NEAR, ["個人情報保護法第26条", "残り約24時間", LINK, *DEADLINES]) for a in STAFF},
    ev.IncidentDeadlineMissed: {a: ("", MISSED, ["直ちに対応してください", "12月3日(木) 18:00 JST", LINK]) for a in STAFF},
    ev.IncidentClosed: {a: ("", "【完了】INC-2026-0007 をクローズしました（漏えいなし）",
                            ["漏えいなし", "M001", "returned unopened the next morning", LINK]) for a in STAFF},
    ev.AssetRecovered: {
        "sato@example.co.jp": ("佐藤 花子", "【返却済み】機器 LT-0001 が返却されました（11月30日(月) 18:00 JST）",
                               ["佐藤 花子 様", "本人が返却", "これ以上の対応は必要ありません", DESK.phone]),
        "tanaka@example.co.jp": ("田中 一郎", "【返却済み】佐藤 花子さんの機器 LT-0001 が返却されました（11月30日(月) 18:00 JST）",
                                 ["田中 一郎 様", "あなたの対応は必要ありません", DESK.phone]),
        **{a: ("", RECOVERED, ["「漏えいなし」でクローズするか判断", f"{CONSOLE_URL}/", DESK.phone]) for a in STAFF},
    },
    ev.CustomerNoticeRequested: {
        "customer1@example.com": ("山田 太郎", "【お詫び】お客様の個人情報に関するお知らせ（株式会社サンプル）",
                                  ["山田 太郎 様", "深くお詫び申し上げます", "INC-2026-0007"]),
        "c2@example.org": ("Jane Doe", "Our apologies: a notice about your personal data (株式会社サンプル)",
                           ["Dear Jane Doe,", "sincerely apologise", "INC-2026-0007"]),
    },
}
SENDER = {"ja": "機器管理システム", "en": "Equipment custody system"}


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
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        lang = "en" if address == "c2@example.org" else "ja"
        assert msg["From"].addresses[0].display_name == SENDER[lang]
        for word in words:
            assert word in text, word
        assert words_of(html_text(html)) == words_of(text)  # the HTML part says what the text part says
        if lang == "ja" and kind is not ev.IncidentClosed:  # (the closing reason is free text, in English here)
            assert stray_codes(msg["Subject"] + text) == []
    log = wait_until(lambda: [e for e in notify_rpc.delivery_log(status="sent") if e["event_type"] == kind.event_type]
                     if len(notify_rpc.delivery_log(status="sent")) == len(expected) else None, what="delivery log")
    assert sorted(e["recipient"] for e in log) == sorted(expected)
    assert {e["message_id"] for e in log} == {got[a][1]["Message-ID"] for a in expected}


EMMA = ev.Person(employee_number="E003", name="Emma Clark", email="emma.clark@example.co.jp", department="Sales",
                 language="en")
JOHN = ev.Person(employee_number="M002", name="John Smith", email="john.smith@example.co.jp", department="Sales",
                 language="en")


def assert_english(msg, own_name: str) -> None:
    """English from the sender's name to the last line: no Japanese but the recipient's own name."""
    assert msg["From"].addresses[0].display_name == SENDER["en"]
    assert japanese_in(msg["Subject"]) == []
    for part in (msg.get_body(("plain",)).get_content(), html_text(msg.get_body(("html",)).get_content())):
        assert japanese_in(part, allowed=(own_name,)) == [], part


def test_the_holder_is_written_to_in_the_language_of_the_ledger(smtp, start_notify, publish):
    start_notify()
    loss = EXAMPLE[ev.PossibleLossDetected]
    publish(loss.model_copy(update={"event_id": "00000000-0000-4000-8000-000000000099", "holder": EMMA,
                                    "asset": loss.asset.model_copy(update={"department": "Sales"})}))
    holder = mail_by_recipient(smtp, 1)["emma.clark@example.co.jp"][1]
    assert holder["Subject"] == "[Urgent] Laptop LT-0001 was due back at Mon 30 Nov 18:00 JST"
    text = holder.get_body(("plain",)).get_content()
    assert "Dear Emma Clark," in text and f"Call {DESK.name_en} now on {DESK.phone}" in text
    assert DESK.location_en in text and DESK.email in text
    assert_english(holder, "Emma Clark")


def test_a_recovery_tells_holder_manager_and_staff_once_each_in_their_language_even_if_redelivered(
        smtp, start_notify, publish):
    start_notify(max_workers=1)  # one worker: the queue is taken in order, so the closing comes last
    recovered = EXAMPLE[ev.AssetRecovered].model_copy(update={"holder": EMMA, "manager": JOHN, "returned_by": EMMA})
    publish(recovered)
    publish(recovered)  # the broker's redelivery, or custody's outbox publishing twice
    publish(EXAMPLE[ev.IncidentClosed])

    mail = wait_until(lambda: (found := smtp.received()) and len(found) >= 6 and found, what="6 e-mails")
    back = {env["rcpt_tos"][0]: msg for env, msg in mail if "LT-0001" in msg["Subject"] and "INC-" not in msg["Subject"]}
    assert len(mail) == 6 and sorted(back) == sorted(["emma.clark@example.co.jp", "john.smith@example.co.jp", *STAFF])
    assert back["john.smith@example.co.jp"]["Subject"] == "[Returned] Emma Clark's device LT-0001 is back (Mon 30 Nov 18:00 JST)"
    manager = back["john.smith@example.co.jp"].get_body(("plain",)).get_content()
    assert "Dear John Smith," in manager and "taken out by Emma Clark" in manager and "Nothing is needed from you" in manager
    assert back["emma.clark@example.co.jp"]["Subject"] == "[Returned] Device LT-0001 is back (Mon 30 Nov 18:00 JST)"
    for address, name in (("john.smith@example.co.jp", "John Smith"), ("emma.clark@example.co.jp", "Emma Clark")):
        assert_english(back[address], name)
    for address in STAFF:
        assert back[address]["Subject"] == RECOVERED.replace("佐藤 花子", "Emma Clark")  # the staff read Japanese


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
