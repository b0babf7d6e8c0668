"""Every console page at 1280x800 and 1024x768 in Chromium, in each status an incident can be in: a screenshot of
each (test-artifacts/console-screens/<page>-<width>x<height>.png) and the element boxes measured, so an input
narrower than its content, a button wrapping per character or a table overflowing the page cannot come back."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from eventlet import patcher

if patcher.is_monkey_patched("socket"):
    pytest.skip("run the console tests on plain threads: pytest -p no:eventlet tests/console", allow_module_level=True)

from sqlalchemy.orm import Session

from contracts import events as ev
from contracts.examples import EXAMPLES
from incident.handlers import closing, opening
from incident.roles import SYSTEM
from servicekit.db import make_engine
from tests.console.stack import LARGE, SMALL, VIEWPORTS, layout_problems, shot, sign_in

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
_LOSS = next(e for e in EXAMPLES if isinstance(e, ev.PossibleLossDetected))
CONFIRMED, RECOVERED, CLOSED, REPORTED = "INC-2026-0003", "INC-2026-0004", "INC-2026-0005", "INC-2026-0006"


def _more_incidents(db_url: str) -> None:
    """Beside the two of the seed: one confirmed (marked lost in the ledger), one recovered, one closed, and a loss
    reported by a person for a device outside the ledger."""
    now = datetime.now(timezone.utc)
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        for n, tag in enumerate(("SP-0003", "TB-0004", "US-0005"), start=3):
            asset = _LOSS.asset.model_copy(update={"tag": tag, "kind": ("smartphone", "tablet", "usb_storage")[n - 3]})
            opening.open_from_possible_loss(session, "INC", _LOSS.model_copy(update={
                "event_id": f"00000000-0000-4000-8000-0000000000b{n}", "asset": asset}), now)
        opening.asset_marked_lost(session, ev.AssetMarkedLost.new(tag="SP-0003", custody_id=None, reason="盗難届を提出"), now)
        opening.asset_recovered(session, ev.AssetRecovered.new(tag="TB-0004", custody_id=None, recovered_at=now,
                                                               returned_by=None, kiosk_id="kiosk-3F"), now)
        closing.close(session, SYSTEM, CLOSED, "resolved", "誤検知：出張の延長届が出ていた", now=now)
        opening.report_loss(session, "INC", SYSTEM, {"kind": "usb_storage", "description": "私物のUSBメモリに顧客リストを保存して紛失"},
                            now, lambda tag: None)
    engine.dispose()


def _check(page, name: str, size: tuple[int, int], found: dict[str, list[str]]) -> None:
    problems = layout_problems(page)
    shot(page, f"{name}-{size[0]}x{size[1]}")
    if problems:
        found[name] = problems


@pytest.mark.parametrize("size", VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def test_every_page_lays_out_without_squeezed_inputs_wrapped_buttons_or_overflowing_tables(browser, console, size):
    _more_incidents(console.db_url)
    page = browser.new_page(viewport={"width": size[0], "height": size[1]}, locale="ja-JP", timezone_id="Asia/Tokyo")
    found: dict[str, list[str]] = {}
    try:
        page.goto(console.url + "login")
        _check(page, "login", size, found)
        sign_in(page, console, "privacy_officer")  # sees every form but the users page
        _check(page, "list", size, found)
        for name, reference in (("incident-suspected", SMALL), ("incident-deadlines", LARGE),
                                ("incident-confirmed", CONFIRMED), ("incident-recovered", RECOVERED),
                                ("incident-closed", CLOSED), ("incident-reported", REPORTED)):
            page.goto(console.url + f"incidents/{reference}")
            _check(page, name, size, found)
        page.goto(console.url + f"incidents/{SMALL}")
        page.get_by_test_id("report-form").locator("button.primary").click()  # empty: refused, the field marked
        expect(page.get_by_test_id("refusal")).to_be_visible()
        _check(page, "report-refused", size, found)
        page.goto(console.url + f"incidents/{LARGE}/ppc.html")
        _check(page, "ppc-draft", size, found)
        page.goto(console.url + "deliveries")  # notify is not running here: the page says so
        _check(page, "deliveries-unavailable", size, found)
        page.goto(console.url + "incidents/INC-2099-9999")
        _check(page, "error-404", size, found)
        page.goto(console.url + "users")
        _check(page, "error-403", size, found)
        page.get_by_test_id("lang-en").click()
        page.goto(console.url + f"incidents/{LARGE}")
        _check(page, "incident-deadlines-en", size, found)
        page.goto(console.url)
        _check(page, "list-en", size, found)
        page.locator("button.link").click()
        sign_in(page, console, "admin")
        page.goto(console.url + "users")
        _check(page, "users", size, found)
    finally:
        page.close()
    assert found == {}
