"""What the kiosk logs about custody: a kiosk started before custody (as under ./run.sh) waits quietly,
and a custody lost after it had answered is a warning."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
from eventlet import patcher

if patcher.is_monkey_patched("socket"):
    pytest.skip("run the kiosk tests on plain threads: pytest -p no:eventlet tests/kiosk", allow_module_level=True)

from kiosk.app import create_app
from kiosk.settings import KioskSettings
from tests.conftest import LABEL_SECRET
from tests.custody.processes import CustodyProcess
from tests.kiosk.stack import CARD_KEY, KioskServer, wait_until


def register_kiosk(db_url: str) -> str:
    """As ./run.sh does before anything runs: the kiosk is registered in custody's database by the CLI."""
    env = os.environ | {"CUSTODY_DB_URL": db_url, "CUSTODY_LABEL_SECRET": LABEL_SECRET, "PYTHONWARNINGS": "ignore"}
    out = subprocess.run([sys.executable, "-m", "custody.cli", "kiosk-register", "kiosk-3F"], env=env,
                         capture_output=True, text=True, check=True).stdout
    return next(line.split("=", 1)[1] for line in out.splitlines() if line.startswith("KIOSK_SECRET="))


def said(caplog, level: int) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno == level]


def test_a_kiosk_started_before_custody_waits_without_a_warning_and_a_lost_custody_is_one(
        rabbit_config, db_url, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    settings = KioskSettings(kiosk_id="kiosk-3F", kiosk_secret=register_kiosk(db_url), card_key=CARD_KEY,
                             amqp_uri=rabbit_config["AMQP_URI"], journal_path=str(tmp_path / "journal.db"),
                             rpc_timeout=2, sync_interval=0.3, use_reader=False)
    server = KioskServer(create_app({"SETTINGS": settings}))
    custody = None
    try:
        wait_until(lambda: any("waiting for custody" in m for m in said(caplog, logging.INFO)))
        custody = CustodyProcess(rabbit_config["AMQP_URI"], db_url, tmp_path / "custody.log").wait_ready()
        wait_until(lambda: server.app.extensions["syncer"].online, timeout=15)
        # custody was not consuming yet: each call failed at once as UnknownService; amqp's note about
        # the broker's late confirm of that call is not repeated in the log
        assert said(caplog, logging.WARNING) == []
        assert [m for m in said(caplog, logging.INFO) if "custody" in m] == [
            "kiosk.sync: waiting for custody to answer (UnknownService); acts are journalled meanwhile",
            "kiosk.sync: custody reachable"]
        custody.kill()
        server.app.extensions["syncer"].refresh_roster()  # its next call to custody (an act, or the roster)
        assert server.app.extensions["syncer"].online is False
        assert [m for m in said(caplog, logging.WARNING) if m.startswith("kiosk.sync")] == [
            "kiosk.sync: custody unreachable (RpcTimeout); acts are journalled and sent when it is back"]
    finally:
        server.stop()
        if custody is not None:
            custody.stop()
