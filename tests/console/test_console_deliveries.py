"""The delivery log in the console, read from a real notify service (a `nameko run` process) that
sent real e-mails to a real SMTP server."""
from __future__ import annotations

import time

import pytest
from eventlet import patcher

if patcher.is_monkey_patched("socket"):
    pytest.skip("run the console tests on plain threads: pytest -p no:eventlet tests/console", allow_module_level=True)

from nameko.standalone.events import event_dispatcher

from contracts.events import IncidentOpened, PossibleLossDetected
from contracts.examples import EXAMPLES
from tests.console.stack import VIEWPORTS, ConsoleServer, http_login, layout_problems, seed, shot, sign_in
from tests.notify.conftest import notify_db_template, notify_db_url, smtp, smtp_sink_process  # noqa: F401
from tests.notify.processes import NotifyProcess

LOSS = next(e for e in EXAMPLES if isinstance(e, PossibleLossDetected))
OPENED = next(e for e in EXAMPLES if isinstance(e, IncidentOpened))
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def notify(rabbit_config, notify_db_url, smtp, tmp_path):  # noqa: F811
    proc = NotifyProcess(rabbit_config["AMQP_URI"], notify_db_url, smtp.port, tmp_path / "notify.log",
                         NOTIFY_SECURITY_TEAM="security@example.co.jp").wait_ready()
    yield proc
    proc.stop()


@pytest.fixture
def console_with_notify(incident_db_url, rabbit_config):
    seed(incident_db_url)
    server = ConsoleServer(incident_db_url, AMQP_URI=rabbit_config["AMQP_URI"])
    yield server
    server.stop()


def test_the_console_shows_what_notify_delivered_in_words(notify, smtp, console_with_notify, rabbit_config,  # noqa: F811
                                                         browser):
    dispatch = event_dispatcher({"AMQP_URI": rabbit_config["AMQP_URI"]})
    dispatch("custody", "possible_loss_detected", LOSS.to_wire())  # the holder
    dispatch("incident", "incident_opened", OPENED.to_wire())  # the manager and the security team
    deadline = time.monotonic() + 20
    while len(smtp.received()) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    client, _ = http_login(console_with_notify.url, "responder")
    page = client.get(console_with_notify.url + "deliveries").text
    for address in ("sato@example.co.jp", "tanaka@example.co.jp", "security@example.co.jp"):
        assert address in page
    assert "250" in page
    assert "no-deliveries" in client.get(console_with_notify.url + "deliveries?status=failed").text
    for size in VIEWPORTS:  # what a person sees: words in the page's language, not notify's codes
        seen = browser.new_page(viewport={"width": size[0], "height": size[1]}, locale="ja-JP", timezone_id="Asia/Tokyo")
        sign_in(seen, console_with_notify, "responder")
        seen.goto(console_with_notify.url + "deliveries")
        table = seen.get_by_test_id("deliveries")
        expect(table.locator("tr[data-template=possible_loss_holder]").first).to_contain_text("紛失の疑い（持ち出し者あて）")
        expect(table.locator("tr[data-status=sent]").first).to_contain_text("送信済み")
        shown = table.inner_text()
        assert not [code for code in ("possible_loss_holder", "incident_opened", "sent") if code in shown]
        assert layout_problems(seen) == []
        shot(seen, f"deliveries-{size[0]}x{size[1]}")
        seen.get_by_test_id("lang-en").click()
        expect(table.locator("tr[data-template=incident_opened_manager]").first).to_contain_text(
            "incident opened (to the manager)")
        expect(seen.locator("select[name=status] option[value=sent]")).to_have_text("sent")
        seen.close()
    viewer, _ = http_login(console_with_notify.url, "viewer")
    assert viewer.get(console_with_notify.url + "deliveries").status_code == 403  # addresses are personal data


def test_the_console_says_when_notify_cannot_be_reached(console_with_notify):
    client, _ = http_login(console_with_notify.url, "privacy_officer")
    answer = client.get(console_with_notify.url + "deliveries")
    assert answer.status_code == 200 and "メール送信サービス（notify）に接続できません" in answer.text
