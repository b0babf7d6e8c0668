"""The kiosk as an employee uses it: real pcscd with a virtual card, real custody and RabbitMQ,
real Chromium. Screenshots of each screen go to test-artifacts/kiosk-screens/."""
from __future__ import annotations

import pytest
from eventlet import patcher

if patcher.is_monkey_patched("socket"):
    # Flask, Playwright and the kiosk's threads need real threads: ./test.sh runs this folder
    # with `-p no:eventlet`; under monkey-patching they would hang instead of failing
    pytest.skip("run the kiosk tests on plain threads: pytest -p no:eventlet tests/kiosk", allow_module_level=True)
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from custody.models import Custody
from kiosk.app import create_app
from kiosk.settings import KioskSettings
from tests.custody.processes import CustodyProcess
from tests.kiosk.stack import (ITO_UID, SATO_UID, SHOTS, CARD_KEY, Broker, KioskServer, LinkCut, label,
                               seed, wait_until)
from tests.kiosk.virtual_card import VirtualCard

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def custody(rabbit_config, db_url, tmp_path):
    proc = CustodyProcess(rabbit_config["AMQP_URI"], db_url, tmp_path / "custody.log").wait_ready()
    yield proc
    proc.stop()


@pytest.fixture
def link(rabbit_config):
    relay = LinkCut(5672)
    yield relay
    relay.close()


@pytest.fixture
def broker():
    broker = Broker()
    yield broker
    if broker.stopped:  # however the test ended, the next one finds RabbitMQ running
        broker.start()


@pytest.fixture
def kiosk(custody, rabbit_config, link, pcscd, tmp_path):
    secret = seed(rabbit_config["AMQP_URI"])
    vhost = rabbit_config["AMQP_URI"].rsplit("/", 1)[1]
    settings = KioskSettings(kiosk_id="kiosk-3F", kiosk_secret=secret, card_key=CARD_KEY,
                             amqp_uri=f"amqp://guest:guest@127.0.0.1:{link.port}/{vhost}",
                             journal_path=str(tmp_path / "journal.db"), reader_filter=pcscd.reader_name,
                             idle_seconds=4, result_seconds=3, rpc_timeout=2, sync_interval=0.5)
    server = KioskServer(create_app({"SETTINGS": settings}))
    wait_until(lambda: server.app.extensions["syncer"].online)
    yield server
    server.stop()


@pytest.fixture
def page(browser, kiosk):
    page = browser.new_page(viewport={"width": 800, "height": 480})
    page.goto(kiosk.url)
    page.wait_for_selector("[data-reader='connected']")
    yield page
    page.close()


def shot(page, name: str):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def ledger_asset(rabbit_config, tag: str) -> dict:
    """What custody's ledger says about an asset now."""
    with ClusterRpcProxy({"AMQP_URI": rabbit_config["AMQP_URI"]}, timeout=10) as cluster:
        return cluster.custody.get_asset(tag)


def scan(page, text: str):
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_tap_scan_confirm_takes_the_laptop_out(page, rabbit_config):
    shot(page, "01-idle")
    with VirtualCard(SATO_UID):
        page.wait_for_selector("text=佐藤 花子さん、こんにちは")
    shot(page, "02-greeted")
    scan(page, label("LT-0001"))
    page.wait_for_selector(".confirm >> text=VJPK11C12N")
    assert "返却期限" in page.inner_text(".confirm")
    button = page.locator("[data-action='checkout']").bounding_box()
    assert button["y"] + button["height"] <= 480 and button["height"] >= 60  # whole, and big enough for a glove
    shot(page, "03-confirm")
    page.click("[data-action='checkout']")
    page.wait_for_selector("text=持ち出しを記録しました")
    shot(page, "04-checked-out")
    asset = ledger_asset(rabbit_config, "LT-0001")
    assert asset["status"] == "checked_out" and asset["history"][0]["holder"]["name"] == "佐藤 花子"
    assert asset["history"][0]["checkout_kiosk_id"] == "kiosk-3F"


def check_out_laptop_as_sato(page):
    """Sato takes the laptop out at the kiosk and the screen goes back to idle."""
    with VirtualCard(SATO_UID):
        page.wait_for_selector(".greeted")
    scan(page, label("LT-0001"))
    page.click("[data-action='checkout']")
    page.wait_for_selector("text=持ち出しを記録しました")
    page.wait_for_selector(".idle", timeout=10000)


def test_return_is_just_a_scan(page, rabbit_config):
    check_out_laptop_as_sato(page)
    scan(page, label("LT-0001"))
    page.wait_for_selector("text=返却を記録しました")
    assert "佐藤 花子さんの持ち出し分" in page.inner_text(".result")  # no card: recorded as by someone else
    shot(page, "05-returned")
    asset = ledger_asset(rabbit_config, "LT-0001")
    assert asset["status"] == "available" and asset["history"][0]["returned_by"] is None


def ito_scans_the_laptop(page):
    with VirtualCard(ITO_UID):
        page.wait_for_selector("text=伊藤 健さん、こんにちは")
    scan(page, label("LT-0001"))


def test_a_return_by_someone_else_says_whose_checkout_it_closes_and_custody_records_who(page, rabbit_config):
    check_out_laptop_as_sato(page)
    ito_scans_the_laptop(page)
    page.wait_for_selector("text=返却を記録しました")
    assert "佐藤 花子さんの持ち出し分の返却として記録しました" in page.inner_text(".result")
    shot(page, "05b-returned-by-someone-else")
    last = ledger_asset(rabbit_config, "LT-0001")["history"][0]
    assert last["holder"]["name"] == "佐藤 花子" and last["returned_by"]["name"] == "伊藤 健"


def test_refusal_is_shown_with_its_reason_then_the_screen_returns_to_idle(page):
    ito_scans_the_laptop(page)  # Ito has no security training
    page.wait_for_selector(".refused")
    assert "情報セキュリティ研修の受講が必要です" in page.inner_text(".refused")
    shot(page, "06-refused-training")
    page.click("[data-lang='en']")
    page.wait_for_selector("text=complete the information-security training")
    shot(page, "07-refused-training-en")
    page.wait_for_selector(".idle", timeout=10000)


def test_forged_label_is_refused_at_scan_time(page):
    with VirtualCard(SATO_UID):
        page.wait_for_selector(".greeted")
    scan(page, label("LT-0001")[:-2] + "AA")
    page.wait_for_selector(".refused >> text=ラベルは正しくありません")
    assert "署名が一致しません" in page.inner_text(".refused")  # the detail in Japanese too


def test_damaged_label_can_be_typed_on_the_keypad(page):
    with VirtualCard(SATO_UID):
        page.wait_for_selector(".greeted")
    page.click(".greeted [data-keypad='open']")
    for key in "LT-0001":
        page.click(f"[data-key='{key}']")
    shot(page, "08-keypad")
    page.click("[data-keypad='ok']")
    page.wait_for_selector(".confirm >> text=LT-0001")


def test_idle_screen_forgets_the_employee(page):
    with VirtualCard(SATO_UID):
        page.wait_for_selector(".greeted")
    page.wait_for_selector(".idle", timeout=10000)
    scan(page, label("LT-0001"))  # a scan now is anonymous: it needs a card for a checkout
    page.wait_for_selector("text=先に社員証をタッチしてください")


def test_reader_state_is_shown_when_the_card_service_stops(page, pcscd):
    pcscd.stop()
    page.wait_for_selector("[data-reader='service_down'] >> text=カードサービス停止中", timeout=10000)
    page.wait_for_selector(".idle >> text=社員証を読み取れません")
    assert "返却はQRラベルのスキャンでできます" in page.inner_text(".idle")
    shot(page, "09-card-service-down")
    pcscd.start()
    page.wait_for_selector("[data-reader='connected']", timeout=10000)
    with VirtualCard(SATO_UID):
        page.wait_for_selector(".greeted")


def test_unplugged_reader_is_shown_and_cards_work_again_once_it_is_plugged_back(page, pcscd):
    pcscd.unplug_reader()
    page.wait_for_selector("[data-reader='no_reader'] >> text=カードリーダーが見つかりません", timeout=10000)
    page.wait_for_selector(".idle >> text=社員証を読み取れません")
    shot(page, "09b-no-reader")
    pcscd.plug_reader()
    page.wait_for_selector("[data-reader='connected']", timeout=10000)
    assert "社員証をタッチしてください" in page.inner_text(".idle")
    with VirtualCard(SATO_UID):
        page.wait_for_selector("text=佐藤 花子さん、こんにちは")


def check_out_offline(page, kiosk, engine, shots: bool = False):
    """Sato takes the laptop out while the kiosk cannot reach custody: kept in the journal only."""
    with VirtualCard(SATO_UID):
        page.wait_for_selector("text=佐藤 花子さん、こんにちは", timeout=15000)
    page.wait_for_selector("text=オフライン")
    scan(page, label("LT-0001"))
    page.wait_for_selector(".confirm >> text=VAIO Pro PK 14in", timeout=15000)
    if shots:
        shot(page, "10-offline-confirm")
    page.click("[data-action='checkout']")
    page.wait_for_selector("text=端末に保存しました", timeout=15000)
    if shots:
        shot(page, "11-offline-saved")
    assert kiosk.app.extensions["journal"].counts() == {"pending": 1}
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Custody)) == 0


def synced_once(kiosk, engine, timeout: float):
    """The journal's entry reached custody, and a second replay changes nothing."""
    journal = kiosk.app.extensions["journal"]
    wait_until(lambda: journal.counts() == {"done": 1}, timeout=timeout)
    kiosk.app.extensions["syncer"].flush()
    with Session(engine) as s:
        records = s.scalars(select(Custody)).all()
        assert len(records) == 1 and records[0].employee.name == "佐藤 花子"
        assert records[0].checkout_request_id.startswith("kiosk-3F:")


def test_offline_checkout_is_kept_and_reaches_custody_exactly_once(page, kiosk, link, engine):
    link.cut()  # the network between the kiosk and RabbitMQ is down
    check_out_offline(page, kiosk, engine, shots=True)
    link.restore()
    synced_once(kiosk, engine, timeout=20)


def test_checkout_while_rabbitmq_is_stopped_reaches_custody_once_it_runs_again(page, kiosk, broker, engine):
    broker.stop()  # custody loses its broker too
    check_out_offline(page, kiosk, engine)
    broker.start()
    synced_once(kiosk, engine, timeout=90)
    page.wait_for_selector("text=オフライン", state="detached", timeout=15000)


def test_offline_return_without_a_card_is_kept_and_synced(page, kiosk, link, rabbit_config):
    check_out_laptop_as_sato(page)
    link.cut()
    scan(page, label("LT-0001"))  # anonymous scan while offline: only a return is possible
    page.wait_for_selector("text=端末に保存しました", timeout=15000)
    assert ledger_asset(rabbit_config, "LT-0001")["status"] == "checked_out"
    link.restore()
    journal = kiosk.app.extensions["journal"]
    wait_until(lambda: journal.counts() == {"done": 2}, timeout=20)
    assert ledger_asset(rabbit_config, "LT-0001")["status"] == "available"


def test_screens_fit_the_larger_1280x800_display(browser, kiosk):
    big = browser.new_page(viewport={"width": 1280, "height": 800})
    big.goto(kiosk.url)
    big.wait_for_selector("[data-reader='connected']")
    with VirtualCard(SATO_UID):
        big.wait_for_selector(".greeted")
    scan(big, label("LT-0001"))
    big.wait_for_selector(".confirm")
    button = big.locator("[data-action='checkout']").bounding_box()
    assert button["y"] + button["height"] <= 800 and button["height"] >= 60  # on screen, easy to hit
    shot(big, "12-confirm-1280x800")
    big.close()
