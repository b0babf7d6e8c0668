"""Kiosk latency as an employee feels it, in real Chromium against real custody and pcscd:

  tap:  virtual card connects to the reader  ->  the employee's name is on screen
  scan: scanner's Enter                        ->  the confirmation screen is shown

Baselines measured in the same run: for the tap, the moment pcscd's reader loop read the card's
UID (pcscd polls about every 400 ms, the floor of any tap); for the scan, a bare preview_scan
RPC from the kiosk's own client.

    .venv/bin/python benchmarks/kiosk_latency.py [--runs 50]
"""
from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from contracts.cards import card_hash  # noqa: E402
from custody import migrate  # noqa: E402
from kiosk.app import create_app  # noqa: E402
from kiosk.custody_client import CustodyClient  # noqa: E402
from kiosk.settings import KioskSettings  # noqa: E402
from tests.custody.processes import CustodyProcess  # noqa: E402
from tests.kiosk.pcsc import PcscDaemon  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.kiosk.stack import CARD_KEY, SATO_UID, KioskServer, label, seed  # noqa: E402
from tests.kiosk.virtual_card import VirtualCard  # noqa: E402

AMQP = "amqp://guest:guest@127.0.0.1:5672/"
OBSERVER = """() => { window.__seen = {}; new MutationObserver(() => {
  const s = document.getElementById('screen').dataset.screen;
  if (s && !(s in window.__seen)) window.__seen[s] = Date.now(); })
  .observe(document.getElementById('screen'), {childList: true, subtree: true, attributes: true}); }"""


def seen(page, screen: str, timeout: float = 10.0) -> float:
    """Wall-clock seconds at which the page first showed this screen since the last reset."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        ms = page.evaluate(f"window.__seen[{screen!r}]")
        if ms:
            return ms / 1000
        time.sleep(0.005)
    raise TimeoutError(f"screen {screen} not shown")


def summary(name: str, values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"{name:<44} n={len(ms):<3} median={statistics.median(ms):6.0f} ms  p95={p95:6.0f} ms  max={ms[-1]:6.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    db_url = f"sqlite:///{work / 'custody.db'}"
    migrate.upgrade(db_url)
    custody = CustodyProcess(AMQP, db_url, work / "custody.log").wait_ready()
    pcscd = PcscDaemon()
    pcscd.start()
    try:
        secret = seed(AMQP)
        settings = KioskSettings(kiosk_id="kiosk-3F", kiosk_secret=secret, card_key=CARD_KEY, amqp_uri=AMQP,
                                 journal_path=str(work / "journal.db"), reader_filter=pcscd.reader_name,
                                 idle_seconds=60, result_seconds=60)
        server = KioskServer(create_app({"SETTINGS": settings}))
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request would bury the progress
        client = CustodyClient(settings)
        tap, read, scan, rpc = [], [], [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 800, "height": 480})
            page.goto(server.url)
            page.wait_for_selector("[data-reader='connected']")
            page.evaluate(OBSERVER)
            for n in range(args.runs):
                page.evaluate("window.__seen = {}")
                card = VirtualCard(SATO_UID)
                # pcscd polls the reader every ~400 ms: a random pause samples every phase of
                # that cycle instead of locking onto one
                time.sleep(random.uniform(0, 0.4))
                start = time.time()
                card.insert()
                card.wait_read()
                read.append(time.time() - start)
                tap.append(seen(page, "greeted") - start)
                card.remove()
                page.keyboard.type(label("LT-0001"))
                start = time.time()
                page.keyboard.press("Enter")
                scan.append(seen(page, "confirm") - start)
                page.click("[data-post='/cancel']")
                page.wait_for_selector(".greeted")
                page.click(".greeted [data-post='/cancel']")
                page.wait_for_selector(".idle")
                t = time.time()
                client.call("preview_scan", label=label("LT-0001"), card_hash=card_hash(SATO_UID, CARD_KEY))
                rpc.append(time.time() - t)
                print(f"  run {n + 1}/{args.runs}", end="\r", file=sys.stderr, flush=True)
            browser.close()
        print(file=sys.stderr)
        server.stop()
        print("kiosk latency (800x480, Chromium headless, 2 cores)")
        print(summary("tap: card connected -> name on screen", tap))
        print(summary("  baseline: card connected -> UID read (pcscd)", read))
        print(summary("scan: Enter -> confirmation screen", scan))
        print(summary("  baseline: preview_scan RPC alone", rpc))
        return 0
    finally:
        pcscd.stop()
        custody.stop()


if __name__ == "__main__":
    sys.exit(main())
