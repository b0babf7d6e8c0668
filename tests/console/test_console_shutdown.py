"""The console as ops run it (`python -m incident.console`: gunicorn, gthread workers): after the delivery
log was opened, SIGTERM still stops every process of it, each on its own."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from eventlet import patcher

if patcher.is_monkey_patched("socket"):
    pytest.skip("run the console tests on plain threads: pytest -p no:eventlet tests/console", allow_module_level=True)

from tests.console.stack import http_login, seed
from tests.kiosk.stack import answers, free_port, wait_until


def children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listed:
        return [int(child) for child in listed.read().split()]


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_sigterm_after_the_delivery_log_stops_every_worker_by_itself(incident_db_url, rabbit_config, tmp_path):
    seed(incident_db_url)
    port = free_port()
    env = os.environ | {"INCIDENT_DB_URL": incident_db_url, "INCIDENT_CONSOLE_SECRET_KEY": "s" * 40,
                        "INCIDENT_CONSOLE_BIND": f"127.0.0.1:{port}", "AMQP_URI": rabbit_config["AMQP_URI"],
                        "PYTHONWARNINGS": "ignore"}
    log_path = tmp_path / "console.log"
    with open(log_path, "wb") as log:
        console = subprocess.Popen([sys.executable, "-m", "incident.console"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_until(lambda: answers(base + "login"), timeout=30)
        workers = children(console.pid)
        assert len(workers) == 2
        for role in ("responder", "privacy_officer"):
            client, _ = http_login(base, role)
            page = client.get(base + "deliveries", timeout=30)
            assert page.status_code == 200 and 'data-testid="notify-unavailable"' in page.text  # no notify here
        console.send_signal(signal.SIGTERM)
        assert console.wait(timeout=45) == 0, log_path.read_text()
        wait_until(lambda: not any(alive(pid) for pid in workers), timeout=2)
        # each worker ended by itself: gunicorn kills one still there after its graceful time-out (and says
        # so), and a supervisor that stops the console sooner leaves that one behind as an orphan
        assert "had not stopped within the graceful time-out" not in log_path.read_text(), log_path.read_text()
        assert "SIGKILL" not in log_path.read_text(), log_path.read_text()
    finally:
        if console.poll() is None:
            console.kill()
        for pid in workers if "workers" in locals() else ():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
