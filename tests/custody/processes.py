"""Custody as real `nameko run` processes, for replica and crash tests."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from nameko.standalone.rpc import ServiceRpcProxy

from tests.conftest import LABEL_SECRET

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "services" / "custody" / "config.yml"


class CustodyProcess:
    """One replica: started with `nameko run`, its log kept in a file for the test to read."""

    def __init__(self, amqp_uri: str, db_url: str, log_path: Path, **env):
        self.amqp_uri, self.log_path = amqp_uri, log_path
        environ = os.environ | {"AMQP_URI": amqp_uri, "CUSTODY_DB_URL": db_url,
                                "CUSTODY_LABEL_SECRET": LABEL_SECRET, "CUSTODY_MAX_ITEMS": "50",
                                "CUSTODY_OUTBOX_POLL_INTERVAL": "0.5"} | env
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nameko", "run", "--config", str(CONFIG), "custody.service:CustodyService"],
            cwd=ROOT, env=environ, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 30) -> "CustodyProcess":
        """Ready when its relay has logged its start and an RPC answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"custody exited with {self.proc.returncode}:\n{self.log_text()}")
            if "outbox relay" in self.log_text():
                try:
                    with ServiceRpcProxy("custody", {"AMQP_URI": self.amqp_uri}, timeout=2) as rpc:
                        rpc.list_overdue()
                    return self
                except Exception:  # not consuming yet (UnknownService, time-out): try again
                    pass
            time.sleep(0.1)
        raise TimeoutError(f"custody not ready in {timeout}s:\n{self.log_text()}")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers run, exactly as a crash or power loss."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()
