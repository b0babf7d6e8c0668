"""A private pcscd with vsmartcard's virtual readers, for tests and benchmarks.

Debian's vsmartcard-vpcd installs /etc/reader.conf.d/vpcd (``CHANNELID 0x8C7B``): pcscd then
shows "Virtual PCD 00 00" (cards connect to TCP 35963) and "Virtual PCD 00 01" (35964).
Usable without pytest: ``with PcscDaemon() as d: ...``.

pcscd is one per machine (/run/pcscd, TCP 35963/35964): two test runs at once would kill
each other's pcscd. A PcscDaemon holds an flock on LOCK_PATH from its first start() to
close(), so a second run waits for the first instead.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import sys
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


PID_FILE = Path("/run/pcscd/pcscd.pid")
LOCK_PATH = Path(tempfile.gettempdir()) / "kiosk-test-pcscd.lock"


def _is_live_pcscd(pid: int) -> bool:
    """True if pid is a pcscd that has not exited (a zombie has, though kill(pid, 0) says yes)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    comm, state = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2]
    return comm == "pcscd" and state not in "ZX"


def _pcscd_pids() -> list[int]:
    """PIDs of every running pcscd (read from /proc: no pkill by name)."""
    return [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and _is_live_pcscd(int(e.name))]


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _is_live_pcscd(pid):
            return True
        time.sleep(0.05)
    return False


def _remove_stale_pid_file() -> None:
    """Delete pcscd's pid file if it names no live pcscd.

    pcscd refuses to start while its pid file names a live process (it only checks
    kill(pid, 0)); a pcscd killed hard leaves the file, and on a busy machine the PID is
    soon reused by some other process.
    """
    try:
        pid = int(PID_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    if not _is_live_pcscd(pid):
        PID_FILE.unlink(missing_ok=True)


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

    def __init__(self, lock_timeout: float = 600.0) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = Path(tempfile.gettempdir()) / "kiosk-test-pcscd.log"
        self.lock_timeout = lock_timeout
        self._lock_fd: int | None = None
        self._no_readers_dir: tempfile.TemporaryDirectory | None = None
        self.has_reader = True  # False while unplug_reader() holds the reader away

    def _lock(self) -> None:
        """Take the machine-wide pcscd lock, waiting while another run holds it."""
        fd = os.open(LOCK_PATH, os.O_RDWR | os.O_CREAT, 0o666)
        deadline, told = time.monotonic() + self.lock_timeout, False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise TimeoutError(f"another run kept pcscd ({LOCK_PATH}) for {self.lock_timeout} s") from None
                if not told:
                    print(f"waiting for another run's pcscd to finish ({LOCK_PATH})", file=sys.stderr)
                    told = True
                time.sleep(0.5)  # non-blocking + sleep: a blocking flock would freeze eventlet's hub
        self._lock_fd = fd

    @property
    def pid(self) -> int | None:
        """PID of our pcscd while it runs."""
        return self.proc.pid if self.proc is not None and self.proc.poll() is None else None

    def start(self, timeout: float = 10.0, with_reader: bool = True) -> None:
        """Start pcscd (killing any other one first) and wait until the virtual reader shows.

        ``with_reader=False`` runs pcscd with an empty reader configuration: the card service
        answers but lists no reader, as when the USB reader is unplugged.
        """
        if self.pid is not None:
            return
        if self._lock_fd is None:
            self._lock()
        # a second pcscd cannot bind /run/pcscd/pcscd.comm; one from systemd would also own
        # the readers. (Where systemd's pcscd.socket is active it restarts pcscd on demand:
        # `systemctl stop pcscd.socket pcscd` first on such a machine.)
        for pid in _pcscd_pids():
            _terminate(pid)
        _remove_stale_pid_file()
        self.has_reader = with_reader
        command = ["pcscd", "--foreground", "--error"]
        if not with_reader:
            self._no_readers_dir = self._no_readers_dir or tempfile.TemporaryDirectory(prefix="pcscd-no-readers-")
            command += ["--config", self._no_readers_dir.name]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(command, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        try:
            self.wait_for_reader(timeout, listed=with_reader)
        except Exception:
            self.stop()
            raise

    def wait_for_reader(self, timeout: float = 10.0, listed: bool = True) -> None:
        """Poll readers() until the vpcd reader is listed (``listed=False``: until pcscd answers at all)."""
        from smartcard.Exceptions import SmartcardException
        from smartcard.pcsc.PCSCExceptions import BaseSCardException
        from smartcard.System import readers

        deadline = time.monotonic() + timeout
        while True:
            try:
                names = [str(r) for r in readers()]
                if not listed or any(self.reader_name in n for n in names):
                    return
            except (BaseSCardException, SmartcardException):
                pass  # pcscd not answering yet
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"pcscd exited with {self.proc.returncode}: {self._log_tail()}")
            if time.monotonic() > deadline:
                waited_for = f"no reader {self.reader_name!r}" if listed else "pcscd did not answer"
                raise TimeoutError(f"{waited_for} after {timeout} s: {self._log_tail()}")
            time.sleep(0.05)

    def unplug_reader(self) -> None:
        """The reader is pulled out: pcscd goes on running, with no reader.

        vpcd's reader is a serial-style driver: pcscd 1.9.9 neither dropped nor added it on a
        rescan (SIGUSR1, ``pcscd -H``) when tried, so pcscd is restarted without its configuration.
        """
        self.restart(with_reader=False)

    def plug_reader(self) -> None:
        """The reader is plugged back in."""
        self.restart()

    def _log_tail(self) -> str:
        try:
            return " | ".join(self.log_path.read_text(errors="replace").splitlines()[-5:]) + f" ({self.log_path})"
        except OSError:
            return str(self.log_path)

    def stop(self) -> None:
        """SIGTERM our pcscd by PID and wait for it to exit (the lock is kept: see close())."""
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

    def close(self) -> None:
        """Stop pcscd and let other runs have it."""
        self.stop()
        if self._no_readers_dir is not None:
            self._no_readers_dir.cleanup()
            self._no_readers_dir = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the last descriptor drops the flock
            self._lock_fd = None

    def restart(self, with_reader: bool = True) -> None:
        """Stop and start again (keeping the lock)."""
        self.stop()
        self.start(with_reader=with_reader)

    def __enter__(self) -> PcscDaemon:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@pytest.fixture(scope="session")
def pcscd_session():
    """One pcscd for the whole run; skipped where the PC/SC packages are not installed."""
    why = missing_requirements()
    if why:
        pytest.skip(why)
    daemon = PcscDaemon()
    try:
        daemon.start()
        yield daemon
    finally:
        daemon.close()


@pytest.fixture
def pcscd(pcscd_session: PcscDaemon) -> PcscDaemon:
    """The session's pcscd, started again if an earlier test stopped it, with its reader plugged in."""
    if not pcscd_session.has_reader:
        pcscd_session.plug_reader()
    pcscd_session.start()
    return pcscd_session
