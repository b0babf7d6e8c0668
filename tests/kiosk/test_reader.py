"""CardReaderLoop against a real pcscd with vpcd's virtual reader and a virtual card.

./test.sh runs it on plain threads (-p no:eventlet), as the kiosk runs; under pytest-eventlet
it works too, the loop handing its blocking PC/SC calls to OS threads (kiosk.reader._blocking).
"""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "kiosk"))  # in case kiosk/ is not pip install -e

from kiosk.reader import CardReaderLoop, ReaderStatus  # noqa: E402
from tests.kiosk.pcsc import PcscDaemon  # noqa: E402
from tests.kiosk.virtual_card import VirtualCard  # noqa: E402

READER_0, PORT_0 = "Virtual PCD 00 00", 35963
READER_1, PORT_1 = "Virtual PCD 00 01", 35964
UID_A = bytes.fromhex("012E4CD1A2B3C4D5")  # FeliCa IDm-like, 8 bytes
UID_B = bytes.fromhex("04A1B2C3D4E5F6")  # MIFARE 7-byte UID


def wait_until(predicate, timeout: float = 5.0, interval: float = 0.02) -> bool:
    """Poll predicate until true or timeout (time.sleep yields under eventlet too)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


def cpu_share_while_sleeping(seconds: float) -> float:
    """This process's CPU use, as a share of one core, over `seconds` of the test doing nothing."""
    cpu0, wall0 = time.process_time(), time.monotonic()
    time.sleep(seconds)
    return (time.process_time() - cpu0) / (time.monotonic() - wall0)


class Recorder:
    """Callbacks for a loop, remembering what they got."""

    def __init__(self) -> None:
        self.taps: list[bytes] = []
        self.statuses: list[tuple[ReaderStatus, str]] = []

    def on_tap(self, uid: bytes) -> None:
        self.taps.append(uid)

    def on_status(self, status: ReaderStatus, reader: str) -> None:
        self.statuses.append((status, reader))

    def wait_taps(self, n: int, timeout: float = 5.0) -> bool:
        return wait_until(lambda: len(self.taps) >= n, timeout)


@pytest.fixture
def start_loop(pcscd: PcscDaemon):
    """Start CardReaderLoops for the test (waiting for CONNECTED by default) and stop them after it."""
    loops: list[CardReaderLoop] = []

    def start(recorder: Recorder, reader_filter: str = READER_0, connected: bool = True, on_tap=None,
              **kw) -> CardReaderLoop:
        loop = CardReaderLoop(on_tap or recorder.on_tap, recorder.on_status, reader_filter=reader_filter, **kw)
        loops.append(loop)
        loop.start()
        if connected:
            assert wait_until(lambda: loop.status is ReaderStatus.CONNECTED), loop.status
        return loop

    yield start
    for loop in loops:
        loop.stop()
        assert not loop.is_alive()


def test_a_tap_gives_one_on_tap_with_the_uid_and_status_connected(start_loop):
    rec = Recorder()
    loop = start_loop(rec)
    assert VirtualCard(UID_A).tap()
    time.sleep(1.0)  # long enough for a wrong second tap to show up
    assert rec.taps == [UID_A]
    assert loop.status is ReaderStatus.CONNECTED and loop.reader_name == READER_0
    assert rec.statuses == [(ReaderStatus.CONNECTED, READER_0)]


def test_a_card_held_on_the_reader_taps_once_and_tapping_again_taps_again(start_loop):
    rec = Recorder()
    start_loop(rec)
    card = VirtualCard(UID_A)
    assert card.tap(hold=2.0)  # several pcscd polls with the card lying there
    assert rec.taps == [UID_A]
    assert card.tap()
    assert rec.wait_taps(2)
    time.sleep(0.5)
    assert rec.taps == [UID_A, UID_A]


def test_two_different_cards_give_their_own_uids(start_loop):
    rec = Recorder()
    start_loop(rec)
    assert VirtualCard(UID_A).tap()
    assert VirtualCard(UID_B).tap()
    assert rec.wait_taps(2)
    assert rec.taps == [UID_A, UID_B]


def test_a_card_already_on_the_reader_at_start_is_not_a_tap_until_put_down_again(start_loop):
    rec = Recorder()
    with VirtualCard(UID_A) as card:
        time.sleep(0.6)  # pcscd has seen it
        start_loop(rec)
        time.sleep(1.0)
        assert rec.taps == [] and card.reads == 0
    assert VirtualCard(UID_A).tap()
    assert rec.taps == [UID_A]


def test_a_card_put_down_during_a_slow_on_tap_is_still_read(start_loop):
    # a fresh CardRequest(newcardonly=True) per wait would count that card as "already there"
    rec = Recorder()

    def slow_on_tap(uid: bytes) -> None:
        rec.on_tap(uid)
        time.sleep(2.0)  # e.g. a slow call to the custody service

    start_loop(rec, on_tap=slow_on_tap)
    assert VirtualCard(UID_A).tap(hold=0.0)
    time.sleep(0.6)  # pcscd has seen the first card go
    with VirtualCard(UID_B):  # put down while slow_on_tap still runs, and left there
        assert rec.wait_taps(2, timeout=5)
    assert rec.taps == [UID_A, UID_B]


def test_stopping_pcscd_gives_service_down_and_the_same_loop_recovers_when_it_is_back(start_loop, pcscd):
    rec = Recorder()
    loop = start_loop(rec)
    assert VirtualCard(UID_A).tap()
    pcscd.stop()
    try:
        assert wait_until(lambda: loop.status is ReaderStatus.SERVICE_DOWN, timeout=3), loop.status
        assert loop.reader_name == ""
        time.sleep(1.5)  # several retries while pcscd is away
        assert loop.is_alive()
    finally:
        pcscd.start()
    assert wait_until(lambda: loop.status is ReaderStatus.CONNECTED, timeout=5), loop.status
    assert VirtualCard(UID_B).tap()
    assert rec.wait_taps(2)
    assert rec.taps == [UID_A, UID_B]
    seen = [s for s, _ in rec.statuses]
    # a pcscd still starting may list no readers for a moment: NO_READER in between is fine
    assert seen[0] is seen[-1] is ReaderStatus.CONNECTED and ReaderStatus.SERVICE_DOWN in seen
    assert set(seen[1:-1]) <= {ReaderStatus.SERVICE_DOWN, ReaderStatus.NO_READER}, seen


def test_unplugging_the_reader_gives_no_reader_and_the_same_loop_reads_cards_once_it_is_back(start_loop, pcscd):
    rec = Recorder()
    loop = start_loop(rec)
    assert VirtualCard(UID_A).tap()
    assert rec.wait_taps(1)
    pcscd.unplug_reader()
    assert wait_until(lambda: loop.status is ReaderStatus.NO_READER, timeout=5), loop.status
    assert loop.reader_name == ""
    assert cpu_share_while_sleeping(1.5) < 0.1  # several rounds of looking for the reader: it waits, it does not spin
    assert loop.is_alive() and rec.taps == [UID_A]
    pcscd.plug_reader()
    assert wait_until(lambda: loop.status is ReaderStatus.CONNECTED, timeout=5), loop.status
    assert loop.reader_name == READER_0
    assert VirtualCard(UID_B).tap()
    assert rec.wait_taps(2)
    assert rec.taps == [UID_A, UID_B]
    assert rec.statuses[-1] == (ReaderStatus.CONNECTED, READER_0)
    assert ReaderStatus.NO_READER in [s for s, _ in rec.statuses]


def test_a_filter_matching_no_reader_gives_no_reader_at_low_cpu(start_loop):
    rec = Recorder()
    loop = start_loop(rec, reader_filter="RC-S300", connected=False)
    assert wait_until(lambda: loop.status is ReaderStatus.NO_READER), loop.status
    cpu = cpu_share_while_sleeping(2.0)
    assert cpu < 0.1, f"loop used {cpu:.0%} of a core while no reader matched"
    assert loop.is_alive() and loop.reader_name == ""
    assert rec.statuses == [(ReaderStatus.NO_READER, "")]


def test_a_filter_picks_its_reader_case_insensitively_and_ignores_the_others(start_loop):
    rec = Recorder()
    loop = start_loop(rec, reader_filter="virtual pcd 00 01", connected=False)
    assert wait_until(lambda: loop.status is ReaderStatus.CONNECTED)
    assert loop.reader_name == READER_1
    other = VirtualCard(UID_A, port=PORT_0)
    assert not other.tap(timeout=1.0)  # the card on reader 00 00 is never read
    assert VirtualCard(UID_B, port=PORT_1).tap()
    assert rec.taps == [UID_B]


def test_an_exception_in_on_tap_is_logged_and_the_loop_goes_on(start_loop, caplog):
    caplog.set_level(logging.DEBUG, logger="kiosk.reader")
    rec = Recorder()

    def failing_on_tap(uid: bytes) -> None:
        rec.on_tap(uid)
        if len(rec.taps) == 1:
            raise ValueError(f"unknown card {uid.hex()}")

    loop = start_loop(rec, on_tap=failing_on_tap)
    assert VirtualCard(UID_A).tap()
    assert VirtualCard(UID_B).tap()
    assert rec.wait_taps(2)
    assert loop.is_alive()
    assert any("on_tap failed: ValueError" in r.getMessage() for r in caplog.records)


def test_the_uid_never_appears_in_the_logs(start_loop, pcscd, caplog):
    caplog.set_level(logging.DEBUG)
    rec = Recorder()

    def on_tap(uid: bytes) -> None:
        rec.on_tap(uid)
        raise RuntimeError(f"card {uid.hex()} {uid!r} rejected")  # a careless callback

    loop = start_loop(rec, on_tap=on_tap)
    card = VirtualCard(UID_A)
    assert card.tap()
    card.insert()  # card lifted mid-read and pcscd restarted: the error paths log too
    pcscd.restart()
    card.remove()
    assert wait_until(lambda: loop.status is ReaderStatus.CONNECTED)
    assert VirtualCard(UID_A).tap()
    assert rec.wait_taps(2)
    text = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert "kiosk.reader" in caplog.text  # the loop did log
    for form in (UID_A.hex(), UID_A.hex().upper(), UID_A.hex(" "), UID_A.hex(" ").upper(), repr(UID_A)):
        assert form not in text


def test_stop_ends_the_loop_within_a_second(start_loop):
    loop = start_loop(Recorder(), poll_timeout=5.0)  # stop() must not wait out the poll
    time.sleep(0.3)
    t0 = time.monotonic()
    loop.stop()
    assert not loop.is_alive()
    assert time.monotonic() - t0 < 1.0
