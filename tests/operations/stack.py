"""The system as ops run it, on one machine: custody, incident and notify as `nameko run` processes (one or
several replicas each, one vhost, one database each), the kiosk and the console (gunicorn), each with
its output in a log file."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.custody.processes import ROOT, CustodyProcess, IncidentProcess
from tests.notify.processes import NotifyProcess


class Part:
    """A part that is not a nameko service (the kiosk, the console), its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict, log_path: Path):
        self.name, self.log_path = name, log_path
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=os.environ | {"PYTHONWARNINGS": "ignore"} | env,
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def wait_http(self, url: str, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_path.read_text()}")
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} did not answer {url}:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """``replicas`` of custody, incident and notify (``env``: settings for each, by service name); the kiosk
    and the console when asked for. Small database pools: six processes share the machine's PostgreSQL
    (100 connections) with other test runs."""

    def __init__(self, amqp: str, dbs: dict[str, str], smtp_port: int, folder: Path, replicas: int = 1,
                 env: dict[str, dict] | None = None):
        self.amqp, self.dbs, self.folder = amqp, dbs, folder
        folder.mkdir(parents=True, exist_ok=True)
        self.services, self.parts = [], []
        env = {name: {f"{name.upper()}_DB_POOL_SIZE": "2"} | (env or {}).get(name, {})
               for name in ("custody", "incident", "notify")}
        for n in range(replicas):
            self.services += [
                CustodyProcess(amqp, dbs["custody"], folder / f"custody-{n}.log", **env["custody"]),
                IncidentProcess(amqp, dbs["incident"], folder / f"incident-{n}.log", **env["incident"]),
                NotifyProcess(amqp, dbs["notify"], smtp_port, folder / f"notify-{n}.log", **env["notify"])]
        try:
            for service in self.services:
                service.wait_ready(60)
        except Exception:
            self.stop()
            raise

    def start_kiosk(self, env: dict) -> str:
        """The kiosk in demo mode (``env``: its id, secret, card key, demo cards); its address."""
        port = free_port()
        kiosk = Part("kiosk", [sys.executable, "-m", "kiosk"], {
            "AMQP_URI": self.amqp, "KIOSK_DEMO": "1", "KIOSK_USE_READER": "0", "KIOSK_BIND": f"127.0.0.1:{port}",
            "KIOSK_JOURNAL_PATH": str(self.folder / "journal.db"), "KIOSK_SYNC_INTERVAL": "1"} | env,
            self.folder / "kiosk.log")
        self.parts.append(kiosk)
        url = f"http://127.0.0.1:{port}"
        kiosk.wait_http(url + "/ready")
        return url

    def start_console(self) -> str:
        port = free_port()
        console = Part("console", [sys.executable, "-m", "incident.console"], {
            "INCIDENT_DB_URL": self.dbs["incident"], "INCIDENT_CONSOLE_SECRET_KEY": "scenario-console-secret-0123456789",
            "INCIDENT_CONSOLE_BIND": f"127.0.0.1:{port}", "INCIDENT_CONSOLE_WORKERS": "1", "AMQP_URI": self.amqp},
            self.folder / "console.log")
        self.parts.append(console)
        url = f"http://127.0.0.1:{port}"
        console.wait_http(url + "/ready")
        return url

    def logs(self) -> dict[str, str]:
        paths = [s.log_path for s in self.services] + [p.log_path for p in self.parts]
        return {path.stem: path.read_text(errors="replace") for path in paths}

    def stop(self) -> None:
        """Every process killed at once: the run is over and its log lines are written (how the parts stop
        is tested elsewhere; a graceful stop of nine processes would take most of a minute here)."""
        for part in self.parts + self.services:
            if part.proc.poll() is None:
                part.proc.kill()
            part.proc.wait(10)
            part.log.close()
