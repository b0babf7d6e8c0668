"""IC-card reading for the kiosk: a thread that watches one PC/SC reader (pcscd) and reports taps.

The raw UID is handed to ``on_tap`` in memory only; it is never logged, printed or stored here.
"""
from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from enum import Enum
from typing import Any, Callable

from smartcard import scard
from smartcard.Exceptions import SmartcardException
from smartcard.pcsc.PCSCExceptions import BaseSCardException
from smartcard.System import readers as list_readers

log = logging.getLogger("kiosk.reader")

GET_UID = [0xFF, 0xCA, 0x00, 0x00, 0x00]  # PC/SC GET DATA: FeliCa IDm / MIFARE UID on any reader
RETRY_DELAY = 0.5  # seconds between attempts while pcscd or the reader is missing
_CHANGED = scard.SCARD_STATE_CHANGED


class ReaderStatus(str, Enum):
    """What the kiosk can show about its card reader."""

    CONNECTED = "connected"
    NO_READER = "no_reader"
    SERVICE_DOWN = "service_down"
    STARTING = "starting"


def _blocking(fn: Callable[..., Any], *args: Any) -> Any:
    """Run a blocking PC/SC call; under eventlet in an OS thread, else the hub would freeze."""
    # Monkey-patched threads are greenlets: a C call waiting 0.5 s in pcscd would stop every
    # other greenlet (web requests, and in tests the virtual card that pcscd is waiting on).
    if "eventlet" in sys.modules:
        from eventlet import patcher, tpool

        if patcher.is_monkey_patched("thread"):
            return tpool.execute(fn, *args)
    return fn(*args)


class CardReaderLoop(threading.Thread):
    """Watch a PC/SC reader, call on_tap(uid) once per card put on it, survive pcscd restarts."""

    def __init__(self, on_tap: Callable[[bytes], None], on_status: Callable[[ReaderStatus, str], None],
                 reader_filter: str = "", poll_timeout: float = 0.5) -> None:
        super().__init__(name="kiosk-card-reader", daemon=True)
        self._on_tap, self._on_status = on_tap, on_status
        self._filter = reader_filter.lower()
        self._timeout_ms = max(1, int(poll_timeout * 1000))
        self._stopping = threading.Event()
        self._status, self._reader = ReaderStatus.STARTING, ""
        self._ctx: int | None = None
        self._ctx_lock = threading.Lock()
        self._known: int | None = None  # last reader state seen; None = take a fresh baseline

    @property
    def status(self) -> ReaderStatus:
        """The current reader status."""
        return self._status

    @property
    def reader_name(self) -> str:
        """The reader in use, or "" when there is none."""
        return self._reader

    def stop(self, timeout: float = 2.0) -> None:
        """Ask the loop to end and wait for it (a pending wait is cancelled at once)."""
        self._stopping.set()
        if threading.current_thread() is self:
            return
        deadline = time.monotonic() + timeout
        while self.is_alive() and time.monotonic() < deadline:
            # wakes SCardGetStatusChange with SCARD_E_CANCELLED; repeated, since the loop may
            # be just about to enter a new wait when the first cancel comes
            with self._ctx_lock:
                if self._ctx is not None:
                    scard.SCardCancel(self._ctx)
            self.join(0.05)

    def run(self) -> None:
        """Thread body: retry forever until stop(); no error ends the loop."""
        log.info("card reader loop started (filter %r)", self._filter or "<first reader>")
        try:
            while not self._stopping.is_set():
                try:
                    self._step()
                except Exception:  # a bug or an unexpected pyscard error must not kill the kiosk
                    log.exception("card reader loop error; retrying")
                    self._drop_context()
                    self._stopping.wait(RETRY_DELAY)
        finally:
            self._drop_context()
            log.info("card reader loop stopped")

    # --- one iteration ----------------------------------------------------------------------
    def _step(self) -> None:
        try:
            names = [str(r) for r in _blocking(list_readers)]
        # EstablishContextException (not a SmartcardException) / ListReadersException: no pcscd
        except (BaseSCardException, SmartcardException):
            return self._idle(ReaderStatus.SERVICE_DOWN)
        # only ever wait on a reader that readers() listed: pyscard's CardRequest spins at 100%
        # CPU on an unknown name, and SCardGetStatusChange just errors
        reader = next((n for n in names if self._filter in n.lower()), None)
        if reader is None:
            return self._idle(ReaderStatus.NO_READER)
        if self._ctx is None:
            hr, ctx = _blocking(scard.SCardEstablishContext, scard.SCARD_SCOPE_USER)
            if hr != scard.SCARD_S_SUCCESS:
                return self._idle(ReaderStatus.SERVICE_DOWN)
            with self._ctx_lock:
                self._ctx = ctx
        if reader != self._reader:
            self._known = None
        self._set_status(ReaderStatus.CONNECTED, reader)
        self._wait_for_card(reader)

    def _wait_for_card(self, reader: str) -> None:
        if self._known is None:
            # baseline without waiting: a card already lying on the reader (at start-up, after
            # a pcscd restart) is not a tap, like CardRequest(newcardonly=True)
            hr, states = _blocking(scard.SCardGetStatusChange, self._ctx, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
            if hr != scard.SCARD_S_SUCCESS:
                return self._drop_context()
            self._known = states[0][1] & ~_CHANGED
        # the state is kept between calls, so a card put down while we were busy (a slow
        # on_tap, readers()) is still reported: a fresh CardRequest per wait would miss it
        prev = self._known
        hr, states = _blocking(scard.SCardGetStatusChange, self._ctx, self._timeout_ms, [(reader, prev)])
        if hr in (scard.SCARD_E_TIMEOUT, scard.SCARD_E_CANCELLED):
            return
        if hr != scard.SCARD_S_SUCCESS:  # reader unplugged or pcscd gone: readers() sorts it out
            log.debug("SCardGetStatusChange: %s", scard.SCardGetErrorMessage(hr))
            self._known = None
            return self._drop_context()
        new = states[0][1]
        self._known = new & ~_CHANGED
        present = bool(new & scard.SCARD_STATE_PRESENT) and not new & scard.SCARD_STATE_MUTE
        # pcsc-lite counts insertions+removals in the top 16 bits: a changed count while still
        # present means the card was lifted and put back between two of our waits
        if present and (not prev & scard.SCARD_STATE_PRESENT or (new >> 16) != (prev >> 16)):
            self._read_card(reader)

    def _read_card(self, reader: str) -> None:
        try:
            hr, card, proto = _blocking(scard.SCardConnect, self._ctx, reader, scard.SCARD_SHARE_SHARED,
                                        scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
            if hr != scard.SCARD_S_SUCCESS:
                return log.debug("card left before it could be read: %s", scard.SCardGetErrorMessage(hr))
            try:
                hr, resp = _blocking(scard.SCardTransmit, card, proto, GET_UID)
            finally:
                _blocking(scard.SCardDisconnect, card, scard.SCARD_LEAVE_CARD)
        except Exception as exc:  # card pulled away mid-read: the user simply taps again
            return log.debug("card read failed: %s", type(exc).__name__)
        if hr != scard.SCARD_S_SUCCESS or len(resp) < 3 or resp[-2:] != [0x90, 0x00]:
            return log.debug("card gave no UID (%s)", "SW %02X%02X" % tuple(resp[-2:]) if len(resp) >= 2 else hr)
        try:
            self._on_tap(bytes(resp[:-2]))
        except Exception as exc:
            # the message may well quote the UID, so log only the type and where it came from
            log.error("on_tap failed: %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))

    # --- helpers ----------------------------------------------------------------------------
    def _idle(self, status: ReaderStatus) -> None:
        self._drop_context()
        self._known = None
        self._set_status(status, "")
        self._stopping.wait(RETRY_DELAY)

    def _set_status(self, status: ReaderStatus, reader: str) -> None:
        if (status, reader) == (self._status, self._reader):
            return
        self._status, self._reader = status, reader
        level = logging.INFO if status is ReaderStatus.CONNECTED else logging.WARNING
        log.log(level, "card reader status: %s %s", status.value, reader)
        try:
            self._on_status(status, reader)
        except Exception:
            log.exception("on_status failed")

    def _drop_context(self) -> None:
        with self._ctx_lock:
            ctx, self._ctx = self._ctx, None
        if ctx is not None:
            _blocking(scard.SCardReleaseContext, ctx)
