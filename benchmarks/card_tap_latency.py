"""Card tap → on_tap latency of the kiosk's CardReaderLoop, against bare pyscard as a baseline.

Starts its own pcscd with vsmartcard's virtual reader (killing any other pcscd: run it on a
development machine, not on a kiosk) and taps a virtual card many times:

  baseline  bare pyscard: CardRequest(newcardonly=True).waitforcard() + connect + GET DATA, i.e.
            how long pcscd itself takes to report the card, and to read its UID.
  loop      CardReaderLoop: card put down → on_tap(uid); and, from an independent observer
            blocked in SCardGetStatusChange, pcscd's report → on_tap: the loop's own overhead.

pcscd polls the virtual reader about every 400 ms, so a tap waits 0–400 ms for the poll; the
pauses between taps are random so that every phase of that poll gets sampled.

    .venv/bin/python benchmarks/card_tap_latency.py [--taps 50] [--eventlet]

--eventlet measures the loop monkey-patched (as under nameko or pytest-eventlet); the bare
pyscard baseline cannot run there and is skipped.
"""
from __future__ import annotations

import sys

if "--eventlet" in sys.argv:  # must happen before anything imports socket/threading users
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "kiosk")]

from tests.kiosk.pcsc import PcscDaemon, missing_requirements  # noqa: E402
from tests.kiosk.virtual_card import VirtualCard  # noqa: E402

UID = bytes.fromhex("012E4CD1A2B3C4D5")
GET_UID = [0xFF, 0xCA, 0x00, 0x00, 0x00]


def pause() -> None:
    """Random gap after a removal: longer than one pcscd poll, so the removal is seen."""
    time.sleep(random.uniform(0.45, 0.85))


def baseline(card: VirtualCard, reader: str, taps: int) -> tuple[list[float], list[float]]:
    """Bare pyscard: ms from insert() to waitforcard() returning, and to the UID read."""
    from smartcard.CardRequest import CardRequest

    present, uid_read = [], []
    for _ in range(taps):
        request = CardRequest(readers=[reader], timeout=5, newcardonly=True)
        threading.Timer(random.uniform(0.05, 0.4), card.insert).start()  # while waitforcard() waits
        service = request.waitforcard()  # kept in a variable, else its PC/SC context is released
        t_present = time.perf_counter()
        service.connection.connect()
        data, sw1, sw2 = service.connection.transmit(GET_UID)
        t_uid = time.perf_counter()
        assert (sw1, sw2) == (0x90, 0x00) and bytes(data) == UID
        service.connection.disconnect()
        service.connection.release()
        del service, request  # releases the request's PC/SC context now, while pcscd runs
        present.append((t_present - card.inserted_at) * 1000)
        uid_read.append((t_uid - card.inserted_at) * 1000)
        card.remove()
        pause()
    return present, uid_read


class Observer(threading.Thread):
    """Records when pcscd reports a card on the reader (its own PC/SC context, no connect)."""

    def __init__(self, reader: str) -> None:
        super().__init__(daemon=True)
        self.reader, self.present_at, self.running = reader, [], True

    def run(self) -> None:
        from smartcard import scard

        from kiosk.reader import _blocking  # a plain call, or an OS thread under eventlet

        _, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        state = scard.SCARD_STATE_UNAWARE
        while self.running:
            hr, states = _blocking(scard.SCardGetStatusChange, ctx, 200, [(self.reader, state)])
            if hr == scard.SCARD_S_SUCCESS:
                new = states[0][1]
                if new & scard.SCARD_STATE_PRESENT and not state & scard.SCARD_STATE_PRESENT:
                    self.present_at.append(time.perf_counter())
                state = new & ~scard.SCARD_STATE_CHANGED
        scard.SCardReleaseContext(ctx)


def with_loop(card: VirtualCard, reader: str, taps: int) -> tuple[list[float], list[float], float]:
    """CardReaderLoop: ms from insert() to on_tap, from pcscd's report to on_tap; CPU share."""
    from kiosk.reader import CardReaderLoop, ReaderStatus

    tapped = threading.Event()
    tap_at: list[float] = []

    def on_tap(uid: bytes) -> None:
        tap_at.append(time.perf_counter())
        assert uid == UID
        tapped.set()

    loop = CardReaderLoop(on_tap, lambda status, name: None, reader_filter=reader)
    observer = Observer(reader)
    loop.start()
    observer.start()
    while loop.status is not ReaderStatus.CONNECTED:
        time.sleep(0.05)
    time.sleep(0.3)
    to_tap, overhead = [], []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for i in range(taps):
        tapped.clear()
        card.insert()
        if not tapped.wait(5):
            raise SystemExit(f"tap {i + 1}: no on_tap within 5 s")
        time.sleep(0.05)  # the observer's report may land a moment after on_tap
        to_tap.append((tap_at[-1] - card.inserted_at) * 1000)
        if len(observer.present_at) == i + 1:
            overhead.append((tap_at[-1] - observer.present_at[-1]) * 1000)
        card.remove()
        pause()
    cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    loop.stop()
    observer.running = False
    observer.join()
    if len(tap_at) != taps:
        raise SystemExit(f"{len(tap_at)} on_tap calls for {taps} taps")
    return to_tap, overhead, cpu


def row(name: str, ms: list[float]) -> str:
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[-1] if len(ms) > 1 else ms[0]
    return f"{name:<44} {len(ms):>4} {statistics.median(ms):>8.1f} {p95:>8.1f} {max(ms):>8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--taps", type=int, default=50, help="taps per measurement (default 50)")
    parser.add_argument("--eventlet", action="store_true", help="run monkey-patched, as under nameko/pytest-eventlet")
    args = parser.parse_args()
    why = missing_requirements()
    if why:
        raise SystemExit(why)
    with PcscDaemon() as pcscd:
        card = VirtualCard(UID, port=pcscd.port)
        # under eventlet, CardRequest's helper thread is a greenlet blocked in C: waitforcard()
        # freezes the hub (and the green thread that would put the card down) - no baseline
        present, uid_read = ([], []) if args.eventlet else baseline(card, pcscd.reader_name, args.taps)
        to_tap, overhead, cpu = with_loop(card, pcscd.reader_name, args.taps)
    mode = "eventlet monkey-patched" if args.eventlet else "plain threads"
    print(f"card tap latency, virtual card on {pcscd.reader_name} ({mode}), ms")
    print(f"{'':<44} {'n':>4} {'median':>8} {'p95':>8} {'max':>8}")
    if present:
        print(row("baseline: insert -> pcscd reports card", present))
        print(row("baseline: insert -> UID read (bare pyscard)", uid_read))
    else:
        print("baseline: skipped, bare pyscard's CardRequest deadlocks under eventlet")
    print(row("CardReaderLoop: insert -> on_tap", to_tap))
    print(row("CardReaderLoop: pcscd reports -> on_tap", overhead))
    print(f"process CPU during the loop run: {cpu:.1%} of one core")


if __name__ == "__main__":
    main()
