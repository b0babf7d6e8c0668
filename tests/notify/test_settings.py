"""The settings notify will not start without: the security desk people are told to call, and the console's
address every e-mail links to. A missing one stops `nameko run` with the variable's name."""
from __future__ import annotations

import pytest
from contracts.desk import ENV, from_environ
from pydantic import ValidationError

from notify.settings import Settings
from tests.notify.conftest import DESK
from tests.notify.processes import DESK_ENV, NotifyProcess


@pytest.mark.parametrize("missing", ["SECURITY_DESK_PHONE", "SECURITY_DESK_NAME_EN", "NOTIFY_CONSOLE_BASE_URL"])
def test_notify_does_not_start_without_the_desk_or_the_console_and_names_what_is_missing(
        missing, smtp, rabbit_config, notify_db_url, tmp_path):
    log = tmp_path / "notify.log"
    process = NotifyProcess(rabbit_config["AMQP_URI"], notify_db_url, smtp.port, log, **{missing: ""})
    try:
        assert process.proc.wait(timeout=60) != 0
    finally:
        process.stop()
    assert f"{missing} is not set" in log.read_text()
    assert "delivery sender" not in log.read_text()  # nothing was started


def test_every_desk_variable_missing_is_named_at_once():
    with pytest.raises(ValueError) as caught:
        from_environ({"SECURITY_DESK_NAME_JA": "情報セキュリティ窓口", "SECURITY_DESK_EMAIL": "desk"})
    message = str(caught.value)
    for variable, _ in ENV.values():
        assert (variable in message) == (variable != "SECURITY_DESK_NAME_JA"), variable
    assert "SECURITY_DESK_EMAIL is not an e-mail address" in message


def test_the_desk_is_read_from_the_same_variables_everywhere():
    assert from_environ(DESK_ENV) == DESK
    assert DESK.reference("ja") == "情報セキュリティ窓口（03-1234-5678）"
    assert DESK.reference("en") == "the information security desk (03-1234-5678)"


@pytest.mark.parametrize(("field", "value", "says"), [
    ("console_base_url", "incidents.example.co.jp", "must be an http(s) address"),
    ("timezone", "Tokyo", "unknown time zone 'Tokyo'"),
])
def test_a_wrong_console_address_or_zone_is_refused_with_its_variable(field, value, says):
    base = {"db_url": "sqlite://", "desk": DESK, "console_base_url": "https://incidents.example.co.jp"}
    with pytest.raises(ValidationError) as caught:
        Settings(**base | {field: value})
    assert says in str(caught.value)


def test_english_mail_has_an_english_sender_name():
    settings = Settings(db_url="sqlite://", desk=DESK, console_base_url="https://incidents.example.co.jp/")
    assert settings.sender("en") == ("Equipment custody system", "custody@example.co.jp")
    assert settings.sender("ja") == ("機器管理システム", "custody@example.co.jp")
    assert settings.console_base_url == "https://incidents.example.co.jp"
