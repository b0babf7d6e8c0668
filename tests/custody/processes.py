"""Services as real `nameko run` processes, for replica, crash and benchmark runs."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from nameko.standalone.rpc import ServiceRpcProxy

from tests.conftest import LABEL_SECRET

ROOT = Path(__file__).resolve().parents[2]


class ServiceProcess:
    """One replica of a service: started with `nameko run`, its log kept in a file for the test to read.

    Subclasses name the service, the log line that says its loops run, and a cheap RPC to probe.
    """
    service = "custody"
    service_class = "CustodyService"
    ready_log = "outbox relay"
    probe = "health"

    def __init__(self, amqp_uri: str, log_path: Path, env: dict):
        self.amqp_uri, self.log_path = amqp_uri, log_path
        # the ops server on any free port (replicas, and other test runs on this machine, never collide)
        environ = os.environ | {"AMQP_URI": amqp_uri, "PSYCOPG_WAIT_FUNC": "wait_select", "PYTHONWARNINGS": "ignore",
                                f"{self.service.upper()}_OPS_ADDRESS": "127.0.0.1:0"} | env
        config = ROOT / "services" / self.service / "config.yml"
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nameko", "run", "--config", str(config),
             f"{self.service}.service:{self.service_class}"],
            cwd=ROOT, env=environ, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 30):
        """Ready when its loops have logged their start and an RPC answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.service} exited with {self.proc.returncode}:\n{self.log_text()}")
            if self.ready_log in self.log_text():
                try:
                    with ServiceRpcProxy(self.service, {"AMQP_URI": self.amqp_uri}, timeout=2) as rpc:
                        getattr(rpc, self.probe)()
                    return self
                except Exception:  # not consuming yet (UnknownService, time-out): try again
                    pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.service} not ready in {timeout}s:\n{self.log_text()}")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    @property
    def ops_url(self) -> str:
        """Where its /health, /ready and /metrics are (the address it logged at start-up)."""
        found = re.findall(r"ops http on (http://[\d.:]+)", self.log_text())
        if not found:
            raise RuntimeError(f"{self.service} logged no ops address:\n{self.log_text()}")
        return found[-1]

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


class CustodyProcess(ServiceProcess):
    probe = "list_overdue"

    def __init__(self, amqp_uri: str, db_url: str, log_path: Path, **env):
        super().__init__(amqp_uri, log_path, {"CUSTODY_DB_URL": db_url, "CUSTODY_LABEL_SECRET": LABEL_SECRET,
                                              "CUSTODY_MAX_ITEMS": "50", "CUSTODY_OUTBOX_POLL_INTERVAL": "0.5"} | env)


class IncidentProcess(ServiceProcess):
    service, service_class = "incident", "IncidentService"

    def __init__(self, amqp_uri: str, db_url: str, log_path: Path, **env):
        super().__init__(amqp_uri, log_path, {"INCIDENT_DB_URL": db_url, "INCIDENT_OUTBOX_POLL_INTERVAL": "0.5"} | env)
