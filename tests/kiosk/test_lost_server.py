"""The kiosk page in Chromium when its server is lost: frozen (the socket stays open, nothing comes) or
stopped. A notice covers the screen in the screen's language, and goes by itself when a server is back."""
from __future__ import annotations

import os
import signal

import pytest
from eventlet import patcher

if patcher.is_monkey_patched("socket"):
    pytest.skip("run the kiosk tests on plain threads: pytest -p no:eventlet tests/kiosk", allow_module_level=True)

from tests.kiosk.stack import SHOTS, KioskProcess, answers, free_port, wait_until

pytest.importorskip("playwright.sync_api")
LOST = "#lost:not([hidden])"


@pytest.fixture
def port():
    return free_port()


@pytest.fixture
def kiosks(tmp_path):
    """Kiosk processes started by the test (a stopped one is replaced by a new one on the same port)."""
    started: list[KioskProcess] = []

    def start(port: int) -> KioskProcess:
        kiosk = KioskProcess(port, tmp_path)
        started.append(kiosk)
        wait_until(lambda: answers(kiosk.url + "status"), timeout=30)
        return kiosk
    yield start
    for kiosk in started:
        if kiosk.proc.poll() is None:
            os.killpg(kiosk.proc.pid, signal.SIGCONT)
        kiosk.stop()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_a_frozen_server_is_noticed_by_its_silence_and_the_page_recovers_when_it_runs_again(browser, kiosks, port):
    kiosk = kiosks(port)
    page = browser.new_page(viewport={"width": 800, "height": 480})
    page.goto(kiosk.url)
    page.wait_for_selector("#screen[data-screen='idle']")
    assert page.locator("#lost").is_hidden()
    os.killpg(kiosk.proc.pid, signal.SIGSTOP)  # the server holds its sockets open and says nothing
    page.wait_for_selector(LOST, timeout=10_000)  # three missed pings (2 s each), checked twice a second
    assert page.locator(".lost-title").inner_text() == "この端末のサーバーに接続できません"
    shot(page, "server-lost-ja")
    os.killpg(kiosk.proc.pid, signal.SIGCONT)
    page.wait_for_selector("#lost", state="hidden", timeout=10_000)
    assert page.locator("#screen[data-screen='idle']").is_visible()
    page.close()


def test_a_stopped_server_is_noticed_in_the_screens_language_and_a_new_one_takes_over(browser, kiosks, port):
    kiosk = kiosks(port)
    page = browser.new_page(viewport={"width": 800, "height": 480})
    page.goto(kiosk.url)
    page.wait_for_selector("#screen[data-screen='idle']")
    page.click("button[data-lang='en']")
    page.wait_for_selector("html[lang='en']")
    page.click("button[data-keypad='open']")  # the notice covers the keypad too
    kiosk.proc.send_signal(signal.SIGTERM)
    assert kiosk.proc.wait(timeout=20) == 0
    page.wait_for_selector(LOST, timeout=10_000)
    assert page.locator(".lost-title").inner_text() == "The kiosk server is not responding"
    assert "comes back by itself" in page.locator(".lost-sub").inner_text()
    shot(page, "server-lost-en")
    with pytest.raises(Exception, match="intercepts pointer events"):  # nothing under the notice can be touched
        page.click("button[data-key='1']", timeout=1_000)
    kiosks(port)  # a new server on the same address, as supervisord starts one
    page.wait_for_selector("#lost", state="hidden", timeout=10_000)
    page.wait_for_selector("#screen[data-screen='idle']")
    page.close()
