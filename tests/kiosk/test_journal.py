"""The offline journal against the real custody service: nothing lost at a crash, nothing applied twice."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from eventlet import patcher

if patcher.is_monkey_patched("socket"):
    # Flask, Playwright and the kiosk's threads need real threads: ./test.sh runs this folder
    # with `-p no:eventlet`; under monkey-patching they would hang instead of failing
    pytest.skip("run the kiosk tests on plain threads: pytest -p no:eventlet tests/kiosk", allow_module_level=True)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.cards import card_hash
from custody.models import Custody
from kiosk.custody_client import CustodyClient
from kiosk.journal import Journal
from kiosk.settings import KioskSettings
from kiosk.sync import Syncer
from tests.custody.processes import CustodyProcess
from tests.kiosk.stack import CARD_KEY, SATO_UID, label, seed


@pytest.fixture
def custody(rabbit_config, db_url, tmp_path):
    procs = [CustodyProcess(rabbit_config["AMQP_URI"], db_url, tmp_path / "custody.log").wait_ready()]
    yield procs
    for proc in procs:
        proc.stop()


@pytest.fixture
def settings(custody, rabbit_config, tmp_path):
    secret = seed(rabbit_config["AMQP_URI"])
    return KioskSettings(kiosk_id="kiosk-3F", kiosk_secret=secret, card_key=CARD_KEY, rpc_timeout=2,
                         amqp_uri=rabbit_config["AMQP_URI"], journal_path=str(tmp_path / "journal.db"))


def checkouts(engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(Custody))


def checkout_payload() -> dict:
    return {"card_hash": card_hash(SATO_UID, CARD_KEY), "label": label("LT-0001")}


def test_entry_written_by_a_process_killed_right_after_is_on_disk(tmp_path):
    path = tmp_path / "journal.db"
    script = textwrap.dedent(f"""
        import os, signal
        from kiosk.journal import Journal
        Journal({str(path)!r}, "kiosk-3F").add("checkout", {{"label": "x", "card_hash": None}})
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    assert subprocess.run([sys.executable, "-c", script]).returncode == -9
    assert [e.op for e in Journal(str(path), "kiosk-3F").pending()] == ["checkout"]


def test_entry_journalled_before_a_crash_is_replayed_once(settings, engine):
    Journal(settings.journal_path, settings.kiosk_id).add("checkout", checkout_payload())  # then the power went
    journal = Journal(settings.journal_path, settings.kiosk_id)
    syncer = Syncer(journal, CustodyClient(settings))
    syncer.flush()
    syncer.flush()
    assert journal.counts() == {"done": 1} and checkouts(engine) == 1


def test_entry_that_reached_custody_before_the_crash_is_not_applied_twice(settings, engine):
    journal = Journal(settings.journal_path, settings.kiosk_id)
    entry = journal.add("checkout", checkout_payload())
    client = CustodyClient(settings)
    client.call("checkout", **entry.payload, request_id=entry.request_id, occurred_at=entry.occurred_at)
    # the kiosk died before it could mark the entry done
    syncer = Syncer(Journal(settings.journal_path, settings.kiosk_id), client)
    syncer.flush()
    assert journal.counts() == {"done": 1} and checkouts(engine) == 1


def test_replayed_entry_that_custody_now_refuses_becomes_a_conflict(settings, engine):
    journal = Journal(settings.journal_path, settings.kiosk_id)
    journal.add("checkout", checkout_payload() | {"label": label("LT-0404")})
    Syncer(journal, CustodyClient(settings)).flush()
    [entry] = [journal.get(1)]
    assert entry.status == "conflict" and entry.outcome["code"] == "asset_unknown"
    assert checkouts(engine) == 0


def test_entries_replay_in_the_order_they_happened(settings, engine):
    journal = Journal(settings.journal_path, settings.kiosk_id)
    journal.add("checkout", checkout_payload())
    journal.add("return", {"label": label("LT-0001"), "card_hash": None})
    journal.add("checkout", checkout_payload())
    Syncer(journal, CustodyClient(settings)).flush()
    assert journal.counts() == {"done": 3}
    with Session(engine) as s:
        records = s.scalars(select(Custody).order_by(Custody.id)).all()
    assert [r.returned_at is None for r in records] == [False, True]


def test_entries_wait_while_custody_is_down_and_go_through_once_it_is_back(settings, custody, rabbit_config,
                                                                            db_url, tmp_path, engine):
    journal = Journal(settings.journal_path, settings.kiosk_id)
    syncer = Syncer(journal, CustodyClient(settings))
    custody[0].kill()  # the broker is up, the custody service is not
    journal.add("checkout", checkout_payload())
    syncer.flush()
    assert journal.counts() == {"pending": 1} and syncer.online is False
    custody.append(CustodyProcess(rabbit_config["AMQP_URI"], db_url, tmp_path / "custody-2.log").wait_ready())
    syncer.flush()
    assert journal.counts() == {"done": 1} and syncer.online is True and checkouts(engine) == 1
