"""The first e-mails of a loss (the holder's, the manager's) rendered in Japanese and English and sent to a real
SMTP server; what a rendering or sending problem looks like."""
from __future__ import annotations

import dataclasses
import socket

import pytest
from contracts import events as ev
from contracts.examples import EXAMPLES
from notify import context
from notify.exceptions import InvalidHeader, RenderError
from notify.mailer import Mailer, build_message
from notify.render import render

from tests.notify.conftest import DESK, plain_settings

EVENT = next(e for e in EXAMPLES if isinstance(e, ev.PossibleLossDetected))
OPENED = next(e for e in EXAMPLES if isinstance(e, ev.IncidentOpened))
SENDER = ("機器管理システム", "custody@example.co.jp")
HOLDER = (EVENT.holder.name, EVENT.holder.email)
MANAGER = (EVENT.manager.name, EVENT.manager.email)
LINK = "https://incidents.example.co.jp/incidents/INC-2026-0007"


def variables() -> dict:
    return context.possible_loss(EVENT, plain_settings())


def send(smtp, message):
    return Mailer("127.0.0.1", smtp.port, security="none", timeout=5).send(message)


CASES = {
    ("possible_loss_holder", "ja"): (HOLDER, variables, "【至急】ノートPC LT-0001 の返却期限（11月30日(月) 18:00 JST）を過ぎています",
                                     ["VJPK11C12N", "11月30日(月) 18:00 JST", "11月30日(月) 10:00 JST", "キャビネット 3F-A のキオスク",
                                      "情報セキュリティ窓口（03-1234-5678）", DESK.email, DESK.location_ja]),
    ("possible_loss_holder", "en"): (HOLDER, variables, "[Urgent] Laptop LT-0001 was due back at Mon 30 Nov 18:00 JST",
                                     ["VJPK11C12N", "Mon 30 Nov 18:00 JST", "Mon 30 Nov 10:00 JST", "kiosk of cabinet 3F-A",
                                      "Call the information security desk now on 03-1234-5678", DESK.email, DESK.location_en]),
    ("incident_opened_manager", "ja"): (
        MANAGER, lambda: context.incident(OPENED, plain_settings()),
        "【要対応】佐藤 花子さんのノートPC LT-0001 が返却されていません（INC-2026-0007）",
        ["田中 一郎 様", "INC-2026-0007", "今すぐ佐藤 花子さんに連絡し", "キャビネット 3F-A のキオスク", "SN-778812", "シルバー",
         "氏名、メールアドレス、電話番号", "約1,200人", "ディスク全体の暗号化", "情報セキュリティ窓口（03-1234-5678）",
         "個人情報保護委員会への速報 12月3日(木) 18:00 JST（目安）", LINK]),
    ("incident_opened_manager", "en"): (
        MANAGER, lambda: context.incident(OPENED, plain_settings()),
        "[Action needed] Laptop LT-0001 held by 佐藤 花子 was not returned (INC-2026-0007)",
        ["Dear 田中 一郎,", "INC-2026-0007", "Contact 佐藤 花子 now", "kiosk of cabinet 3F-A", "SN-778812", "silver",
         "name, e-mail address, phone number", "about 1,200", "full-disk encryption",
         "the information security desk on 03-1234-5678",
         "Preliminary report to the PPC, Thu 3 Dec 18:00 JST (target)", LINK]),
}


@pytest.mark.parametrize(("template", "lang"), list(CASES))
def test_first_mails_of_a_loss_arrive_decoded_with_what_to_do_and_whom_to_call(smtp, template, lang):
    to, chosen, subject, must_contain = CASES[(template, lang)]
    rendered = render(template, lang, chosen())
    result = send(smtp, build_message(SENDER, to, rendered, f"{template}.{lang}.6@custody.example.co.jp"))

    assert (result.accepted, result.permanent, result.code) == (True, False, 250)
    [(envelope, msg)] = smtp.received()
    assert envelope["rcpt_tos"] == [to[1]] and envelope["mail_from"] == SENDER[1]
    head = envelope["raw"].split(b"\r\n\r\n", 1)[0]
    assert head.isascii() and b"=?utf-8?" in head  # Japanese headers went out RFC 2047-encoded
    assert msg["Subject"] == subject
    assert msg["From"].addresses[0].display_name == "機器管理システム"
    assert msg["To"].addresses[0].display_name == to[0]
    assert msg["To"].addresses[0].addr_spec == to[1]
    assert msg["Message-ID"] == f"<{template}.{lang}.6@custody.example.co.jp>"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for expected in must_contain:
        assert expected in text, expected
        assert expected in html, expected
    assert "kiosk-3F" not in text and "possible_loss" not in text  # internal ids and codes stay out


def test_a_usb_stick_is_named_as_everywhere_else_and_keeps_its_capitals_in_an_english_subject():
    usb = EVENT.model_copy(update={"asset": EVENT.asset.model_copy(update={"kind": "usb_storage", "tag": "UM-0003"})})
    assert render("possible_loss_holder", "en", context.possible_loss(usb, plain_settings())).subject.startswith(
        "[Urgent] USB stick UM-0003 was due back")
    opened = OPENED.model_copy(update={
        "incident": OPENED.incident.model_copy(update={"asset": usb.asset}),
        "data_inventory": OPENED.data_inventory.model_copy(update={"categories": ("my_number", "health")})})
    manager = render("incident_opened_manager", "ja", context.incident(opened, plain_settings()))
    assert "USBメモリ UM-0003" in manager.subject
    assert "個人番号（マイナンバー）、健康・病歴情報（要配慮個人情報）" in manager.text


@pytest.mark.parametrize(("colour", "ja", "en"), [("black", "黒", "black"), ("Silver", "シルバー", "silver"),
                                                  ("グレー", "グレー", "grey"), ("matte black, sticker on lid",) * 3])
def test_a_common_colour_is_said_in_the_readers_language_and_other_text_as_written(colour, ja, en):
    opened = OPENED.model_copy(update={"incident": OPENED.incident.model_copy(update={
        "asset": OPENED.incident.asset.model_copy(update={"colour": colour})})})
    chosen = context.incident(opened, plain_settings())
    assert f"色: {ja}\n" in render("incident_opened_manager", "ja", chosen).text
    assert f"Colour: {en}\n" in render("incident_opened_manager", "en", chosen).text


def test_times_are_shown_in_the_configured_zone_with_its_name():
    berlin = render("possible_loss_holder", "en", variables(), zone="Europe/Berlin")
    assert berlin.subject == "[Urgent] Laptop LT-0001 was due back at Mon 30 Nov 10:00 CET"  # 09:00 UTC
    assert "JST" not in berlin.text
    assert "11月30日(月) 10:00 CET" in render("possible_loss_holder", "ja", variables(), zone="Europe/Berlin").text


def test_unknown_language_falls_back_to_japanese():
    assert render("possible_loss_holder", "fr", variables()) == render("possible_loss_holder", "ja", variables())


def test_html_part_escapes_variables_and_text_part_keeps_them():
    v = variables()
    v["asset"] = {**v["asset"], "model_number": "<script>alert(1)</script>"}
    rendered = render("possible_loss_holder", "en", v)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "<script>alert(1)</script>" in rendered.text  # plain text is not HTML: escaping would garble it


INJECTIONS = ["佐藤\r\nBcc: evil@example.com", "佐藤\nBcc: evil@example.com", "佐藤\rBcc: evil@example.com",
              "佐藤\x00", "佐藤\u2028Bcc: evil@example.com", "佐藤\x85Bcc: evil@example.com"]


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize("where", ["to_name", "from_name", "to_address", "subject", "message_id"])
def test_header_injection_is_refused_before_sending(smtp, payload, where):
    rendered = render("possible_loss_holder", "ja", variables())
    to, sender, message_id = HOLDER, SENDER, "x.1@custody.example.co.jp"
    if where == "to_name":
        to = (payload, HOLDER[1])
    elif where == "from_name":
        sender = (payload, SENDER[1])
    elif where == "to_address":
        to = (HOLDER[0], "sato@example.co.jp" + payload)
    elif where == "subject":
        rendered = dataclasses.replace(rendered, subject=payload)
    else:
        message_id = "x.1@custody.example.co.jp" + payload

    with pytest.raises(InvalidHeader):
        send(smtp, build_message(sender, to, rendered, message_id))
    assert issubclass(InvalidHeader, ValueError)
    assert smtp.received() == []


@pytest.mark.parametrize("address", ["sato@example.co.jp, evil@example.com", "sato", "sato@", "<evil@example.com>"])
def test_to_must_be_one_plain_address(address):
    with pytest.raises(InvalidHeader):
        build_message(SENDER, (HOLDER[0], address), render("possible_loss_holder", "ja", variables()), "x@y")


def test_recipient_refused_with_550_is_a_permanent_failure(smtp):
    smtp.refuse("nobody@example.co.jp", "550 5.1.1 no such user")
    rendered = render("possible_loss_holder", "ja", variables())
    result = send(smtp, build_message(SENDER, ("誰か", "nobody@example.co.jp"), rendered, "a@custody.example.co.jp"))
    assert (result.accepted, result.permanent, result.code) == (False, True, 550)
    assert "no such user" in result.response
    assert smtp.received() == []


def test_recipient_deferred_with_451_is_a_temporary_failure(smtp):
    smtp.refuse("busy@example.co.jp", "451 4.3.0 try later")
    rendered = render("possible_loss_holder", "ja", variables())
    result = send(smtp, build_message(SENDER, ("誰か", "busy@example.co.jp"), rendered, "b@custody.example.co.jp"))
    assert (result.accepted, result.permanent, result.code) == (False, False, 451)
    assert "try later" in result.response
    assert smtp.received() == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_down_is_a_temporary_failure():
    message = build_message(SENDER, HOLDER, render("possible_loss_holder", "ja", variables()), "c@custody.example.co.jp")
    result = Mailer("127.0.0.1", _closed_port(), timeout=2).send(message)
    assert (result.accepted, result.permanent, result.code) == (False, False, None)


def test_server_that_never_answers_is_a_temporary_failure():
    message = build_message(SENDER, HOLDER, render("possible_loss_holder", "ja", variables()), "d@custody.example.co.jp")
    with socket.socket() as silent:  # accepts the TCP connection (backlog) but never sends a greeting
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        result = Mailer("127.0.0.1", silent.getsockname()[1], timeout=0.5).send(message)
    assert (result.accepted, result.permanent, result.code) == (False, False, None)


def test_missing_variable_raises_render_error_naming_it():
    v = variables()
    del v["desk"]
    with pytest.raises(RenderError) as caught:
        render("possible_loss_holder", "en", v)
    assert (caught.value.template, caught.value.variable) == ("possible_loss_holder", "desk")
    assert "desk" in str(caught.value)


def test_missing_nested_field_raises_render_error_naming_it():
    v = variables()
    v["asset"] = {k: val for k, val in v["asset"].items() if k != "model_number"}
    with pytest.raises(RenderError) as caught:
        render("possible_loss_holder", "ja", v)
    assert caught.value.variable == "model_number"


def test_unknown_template_raises_render_error():
    with pytest.raises(RenderError):
        render("no_such_template", "ja", variables())
    with pytest.raises(RenderError):
        render("../possible_loss_holder", "ja", variables())


def test_mailer_repr_never_shows_the_password():
    assert "s3cret" not in repr(Mailer("smtp.example.co.jp", 587, "starttls", "custody", "s3cret"))
