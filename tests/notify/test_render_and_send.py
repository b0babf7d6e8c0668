"""Possible-loss e-mails rendered in Japanese and English and sent to a real SMTP server."""
from __future__ import annotations

import dataclasses
import socket

import pytest
from contracts.events import PossibleLossDetected
from contracts.examples import EXAMPLES
from notify.exceptions import InvalidHeader, RenderError
from notify.mailer import Mailer, build_message
from notify.render import render, variables_for_possible_loss

EVENT = next(e for e in EXAMPLES if isinstance(e, PossibleLossDetected))
SECURITY = "セキュリティチーム 03-1234-5678 / security@example.co.jp"
SENDER = ("機器管理システム", "custody@example.co.jp")
HOLDER = (EVENT.holder.name, EVENT.holder.email)
MANAGER = (EVENT.manager.name, EVENT.manager.email)


def variables() -> dict:
    return variables_for_possible_loss(EVENT, security_contact=SECURITY)


def send(smtp, message):
    return Mailer("127.0.0.1", smtp.port, security="none", timeout=5).send(message)


CASES = {
    ("possible_loss_holder", "ja"): (HOLDER, "【至急】ノートPC LT-0001 の返却期限（11月30日 18:00）を過ぎています",
                                     ["VJPK11C12N", "11月30日 18:00", "11月30日 10:00", "キオスク", SECURITY]),
    ("possible_loss_holder", "en"): (HOLDER, "[Urgent] Laptop LT-0001 was due back at 30 Nov 18:00",
                                     ["VJPK11C12N", "30 Nov 18:00", "30 Nov 10:00", "kiosk", SECURITY]),
    ("possible_loss_manager", "ja"): (MANAGER,
                                      "【紛失の可能性】ノートPC LT-0001（佐藤 花子）が返却期限 11月30日 18:00 を過ぎています",
                                      ["VJPK11C12N", "SN-778812", "silver", "11月30日 18:00", "氏名、メールアドレス、電話番号",
                                       "約1,200人", "EU在住者のデータ", "ディスク全体の暗号化", "kiosk-3F", "佐藤 花子"]),
    ("possible_loss_manager", "en"): (MANAGER, "[Possible loss] Laptop LT-0001 (佐藤 花子) was due back at 30 Nov 18:00",
                                      ["VJPK11C12N", "SN-778812", "silver", "30 Nov 18:00", "name, e-mail address, phone number",
                                       "about 1,200", "EU data subjects", "full-disk encryption", "kiosk-3F", "佐藤 花子"]),
}


@pytest.mark.parametrize(("template", "lang"), list(CASES))
def test_possible_loss_mail_arrives_decoded_with_japanese_names(smtp, template, lang):
    to, subject, must_contain = CASES[(template, lang)]
    rendered = render(template, lang, variables())
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


def test_a_usb_stick_is_named_as_everywhere_else_and_keeps_its_capitals_in_an_english_subject():
    usb = EVENT.model_copy(update={"asset": EVENT.asset.model_copy(update={"kind": "usb_storage", "tag": "UM-0003"}),
                                   "data_inventory": EVENT.data_inventory.model_copy(
                                       update={"categories": ("my_number", "health")})})
    chosen = variables_for_possible_loss(usb, security_contact=SECURITY)
    assert render("possible_loss_holder", "en", chosen).subject.startswith("[Urgent] USB stick UM-0003 was due back")
    manager = render("possible_loss_manager", "ja", chosen)
    assert "USBメモリ UM-0003" in manager.subject
    assert "個人番号（マイナンバー）、健康・病歴情報（要配慮個人情報）" in manager.text


def test_unknown_language_falls_back_to_japanese():
    assert render("possible_loss_holder", "fr", variables()) == render("possible_loss_holder", "ja", variables())


def test_html_part_escapes_variables_and_text_part_keeps_them():
    v = variables()
    v["asset"] = {**v["asset"], "model_number": "<script>alert(1)</script>"}
    rendered = render("possible_loss_manager", "en", v)
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
    del v["security_contact"]
    with pytest.raises(RenderError) as caught:
        render("possible_loss_holder", "en", v)
    assert (caught.value.template, caught.value.variable) == ("possible_loss_holder", "security_contact")
    assert "security_contact" in str(caught.value)


def test_missing_nested_field_raises_render_error_naming_it():
    v = variables()
    v["asset"] = {k: val for k, val in v["asset"].items() if k != "serial_number"}
    with pytest.raises(RenderError) as caught:
        render("possible_loss_manager", "ja", v)
    assert caught.value.variable == "serial_number"


def test_unknown_template_raises_render_error():
    with pytest.raises(RenderError):
        render("no_such_template", "ja", variables())
    with pytest.raises(RenderError):
        render("../possible_loss_holder", "ja", variables())


def test_mailer_repr_never_shows_the_password():
    assert "s3cret" not in repr(Mailer("smtp.example.co.jp", 587, "starttls", "custody", "s3cret"))
