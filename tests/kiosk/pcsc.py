"""A private pcscd with vsmartcard's virtual readers, for tests and benchmarks.

Debian's vsmartcard-vpcd installs /etc/reader.conf.d/vpcd (``CHANNELID 0x8C7B``): pcscd then
shows "Virtual PCD 00 00" (cards connect to TCP 35963) and "Virtual PCD 00 01" (35964).
Usable without pytest: ``d = PcscDaemon(); d.start(); ...; d.stop()``.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

VPCD_READER = "Virtual PCD 00 00"
VPCD_PORT = 35963
VPCD_CONF = Path("/etc/reader.conf.d/vpcd")
INSTALL_HINT = "run scripts/install_kiosk_deps.sh .venv/bin/python"


def _pcscd_pids() -> list[int]:
    """PIDs of every running pcscd (read from /proc: no pkill by name)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "pcscd":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _terminate(pid: int) -> None:
    """SIGTERM a pcscd we did not start, SIGKILL it if it is still there after 5 s."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if not _wait_gone(pid, 5.0):
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 2.0)


def missing_requirements() -> str | None:
    """Why a virtual-reader pcscd cannot run here, or None."""
    try:
        import smartcard  # noqa: F401
    except ImportError:
        return f"pyscard is not installed ({INSTALL_HINT})"
    if shutil.which("pcscd") is None:
        return f"pcscd is not installed ({INSTALL_HINT})"
    if not VPCD_CONF.exists():
        return f"vsmartcard-vpcd is not installed ({INSTALL_HINT})"
    return None


class PcscDaemon:
    """pcscd --foreground run by us, with the vpcd virtual readers."""

    reader_name = VPCD_READER
    port = VPCD_PORT

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = Path(tempfile.gettempdir()) / "kiosk-test-pcscd.log"

    @property
    def pid(self) -> int | None:
        """PID of our pcscd while it runs."""
        return self.proc.pid if self.proc is not None and self.proc.poll() is None else None

    def start(self, timeout: float = 10.0) -> None:
        """Start pcscd (killing any other one first) and wait until the virtual reader shows."""
        if self.pid is not None:
            return
        # a second pcscd cannot bind /run/pcscd/pcscd.comm; one from systemd would also own
        # the readers. (Where systemd's pcscd.socket is active it restarts pcscd on demand:
        # `systemctl stop pcscd.socket pcscd` first on such a machine.)
        for pid in _pcscd_pids():
            _terminate(pid)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(["pcscd", "--foreground", "--error"], stdout=log, stderr=log,
                                         stdin=subprocess.DEVNULL)
        self.wait_for_reader(timeout)

    def wait_for_reader(self, timeout: float = 10.0) -> None:
        """Poll readers() until the vpcd reader is listed."""
        from smartcard.Exceptions import SmartcardException
        from smartcard.pcsc.PCSCExceptions import BaseSCardException
        from smartcard.System import readers

        deadline = time.monotonic() + timeout
        while True:
            try:
                if any(self.reader_name in str(r) for r in readers()):
                    return
            except (BaseSCardException, SmartcardException):
                pass  # pcscd not answering yet
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"pcscd exited with {self.proc.returncode}; see {self.log_path}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"no reader {self.reader_name!r} after {timeout} s; see {self.log_path}")
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM our pcscd by PID and wait for it to exit."""
        if self.proc is None:
            return
        # our own child: wait() reaps it (a zombie would still answer os.kill(pid, 0))
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def restart(self) -> None:
        """Stop and start again."""
        self.stop()
        self.start()

    def __enter__(self) -> PcscDaemon:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(scope="session")
def pcscd_session():
    """One pcscd for the whole run; skipped where the PC/SC packages are not installed."""
    why = missing_requirements()
    if why:
        pytest.skip(why)
    daemon = PcscDaemon()
    daemon.start()
    yield daemon
    daemon.stop()


@pytest.fixture
def pcscd(pcscd_session: PcscDaemon) -> PcscDaemon:
    """The session's pcscd, started again if an earlier test stopped it."""
    pcscd_session.start()
    return pcscd_session
