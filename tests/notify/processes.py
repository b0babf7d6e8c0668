"""notify as a real `nameko run` process (for the crash test and the benchmark).

Reuses custody's process wrapper for kill/stop/log; only the command, environment and readiness differ.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from nameko.standalone.rpc import ServiceRpcProxy

from tests.custody.processes import CustodyProcess

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "services" / "notify" / "config.yml"


class NotifyProcess(CustodyProcess):
    """One notify replica; ``env`` adds NOTIFY_* settings."""

    def __init__(self, amqp_uri: str, db_url: str, smtp_port: int, log_path: Path, **env):
        self.amqp_uri, self.log_path = amqp_uri, log_path
        environ = os.environ | {"AMQP_URI": amqp_uri, "NOTIFY_DB_URL": db_url, "NOTIFY_SMTP_PORT": str(smtp_port),
                                "NOTIFY_SENDER_POLL_INTERVAL": "0.2", "NOTIFY_OUTBOX_POLL_INTERVAL": "0.5",
                                "PSYCOPG_WAIT_FUNC": "wait_select", "PYTHONWARNINGS": "ignore"} | env
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nameko", "run", "--config", str(CONFIG), "notify.service:NotifyService"],
            cwd=ROOT, env=environ, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 30) -> "NotifyProcess":
        """Ready when its sender has logged its start and the health RPC answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"notify exited with {self.proc.returncode}:\n{self.log_text()}")
            if "delivery sender" in self.log_text():
                try:
                    with ServiceRpcProxy("notify", {"AMQP_URI": self.amqp_uri}, timeout=2) as rpc:
                        rpc.health()
                    return self
                except Exception:  # not consuming yet (UnknownService, time-out): try again
                    pass
            time.sleep(0.1)
        raise TimeoutError(f"notify not ready in {timeout}s:\n{self.log_text()}")
