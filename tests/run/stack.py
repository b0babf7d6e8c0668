"""`./run.sh` itself, run by a test: its own var dir, RabbitMQ vhost and free ports (so a developer's
running ./run.sh is neither touched nor in the way), in a session of its own so that every process it
started can be found, and with its terminal output kept in a file."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import requests
from nameko.standalone.rpc import ClusterRpcProxy

from tests.kiosk.stack import answers, free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]


def session_processes(sid: int) -> dict[int, str]:
    """Every live process of session ``sid``, with its command line (supervisord gives each part a process
    group of its own, so the session is what holds them all)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, _ppid, _pgrp, session = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:4]
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(session) == sid and state != "Z":
            found[int(entry.name)] = cmdline.strip()
    return found


class RunSh:
    """One ./run.sh; ``env`` adds settings (a database URL...)."""

    def __init__(self, var: Path, amqp_uri: str, env: dict | None = None):
        self.var, self.amqp_uri = var, amqp_uri
        self.kiosk = f"http://127.0.0.1:{free_port()}/"
        self.console = f"http://127.0.0.1:{free_port()}/"
        self.env = (os.environ | {"RUN_VAR_DIR": str(var), "AMQP_URI": amqp_uri,
                                 "KIOSK_BIND": self.kiosk[7:-1], "INCIDENT_CONSOLE_BIND": self.console[7:-1],
                                 "NOTIFY_SMTP_PORT": str(free_port()),
                                 # each service's /health, /ready and /metrics on a port of its own choosing, so
                                 # this run never meets a developer's ./run.sh (9101-9103) or another test run
                                 **{f"{svc}_OPS_ADDRESS": "127.0.0.1:0" for svc in ("CUSTODY", "INCIDENT", "NOTIFY")}}
                    | (env or {}))
        self.env.pop("NOTIFY_SMTP_HOST", None)  # the local mail catcher
        self.out_path = var.parent / f"run-{time.monotonic_ns()}.out"
        with open(self.out_path, "ab") as out:
            self.proc = subprocess.Popen(["./run.sh"], cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        return self.out_path.read_text(errors="replace")

    def processes(self) -> dict[int, str]:
        return session_processes(self.proc.pid)

    def ctl(self, *args: str) -> str:
        """supervisorctl, as the operator runs it."""
        return subprocess.run([str(ROOT / ".venv/bin/supervisorctl"), "-c", str(self.var / "supervisorctl.conf"),
                               *args], capture_output=True, text=True, timeout=30).stdout

    def pid(self, part: str) -> int:
        return int(self.ctl("pid", f"system:{part}").strip() or 0)

    def custody_health(self) -> dict | None:
        try:
            with ClusterRpcProxy({"AMQP_URI": self.amqp_uri}, timeout=3) as cluster:
                return cluster.custody.health()
        except Exception:  # not consuming yet (UnknownService), time-out
            return None

    def kiosk_status(self) -> dict | None:
        try:
            return requests.get(self.kiosk + "status", timeout=3).json()
        except (requests.RequestException, ValueError):
            return None

    def wait_ready(self, timeout: float = 480) -> "RunSh":
        """Set-up done and every part answering: custody's health RPC, the kiosk (custody reachable), the console."""
        def ready():
            if self.proc.poll() is not None:
                raise AssertionError(f"./run.sh exited with {self.proc.returncode}:\n{self.output()}")
            status = self.kiosk_status()
            return (status and status["custody"] == "reachable" and self.custody_health() is not None
                    and answers(self.console + "login"))
        wait_until(ready, timeout=timeout, step=0.5)
        return self

    def admin_password(self) -> str:
        return re.search(r"password: (\S+)", (self.var / "console-admin.txt").read_text()).group(1)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> dict[int, str]:
        """Signal ./run.sh as Ctrl-C or a service manager would; what of its session is left 2 s after it exited."""
        self.proc.send_signal(sig)
        self.proc.wait(timeout)
        deadline = time.monotonic() + 2
        while self.processes() and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.processes()

    def kill_all(self) -> None:
        """However a test ended: nothing of this run outlives it."""
        for pid in self.processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

