"""The whole kiosk stack on one machine: custody (nameko run), a broker link we can cut,
the kiosk app with its real reader loop, and Chromium driven by Playwright."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from nameko.standalone.rpc import ClusterRpcProxy
from werkzeug.serving import make_server

from contracts.cards import card_hash
from contracts.labels import make_payload
from tests.conftest import LABEL_SECRET

CARD_KEY = b"kiosk-e2e-card-key-0123"
SATO_UID, ITO_UID = bytes.fromhex("0102030405060708"), bytes.fromhex("0A0B0C0D0E0F1011")
LAPTOP = {"tag": "LT-0001", "kind": "laptop", "model_number": "VJPK11C12N", "serial_number": "SN-778812",
          "description": "VAIO Pro PK 14in", "data_categories": ["name", "email"], "approx_persons": 300,
          "encryption": "full_disk", "cipher": "AES-256 XTS"}


def label(tag: str) -> str:
    return make_payload(tag, LABEL_SECRET.encode())


def seed(amqp_uri: str, kiosk_id: str = "kiosk-3F") -> str:
    """Two employees with cards (Sato trained, Ito not), a laptop, a kiosk; returns the kiosk secret."""
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=10) as cluster:
        custody = cluster.custody
        custody.register_employee({"employee_number": "E001", "name": "佐藤 花子", "email": "sato@example.co.jp",
                                   "training_completed_at": "2026-10-01T09:00:00+09:00"})
        custody.register_employee({"employee_number": "E002", "name": "伊藤 健", "email": "ito@example.co.jp"})
        custody.bind_card("E001", card_hash(SATO_UID, CARD_KEY))
        custody.bind_card("E002", card_hash(ITO_UID, CARD_KEY))
        custody.register_asset(LAPTOP)
        return custody.register_kiosk(kiosk_id, "3F cabinet")["kiosk_secret"]


class LinkCut:
    """A TCP relay between the kiosk and RabbitMQ; cut() is the network going down."""

    def __init__(self, target_port: int = 5672):
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        self.up = False
        with self._lock:
            for conn in self._conns:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self._conns.clear()

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


class Broker:
    """The machine's RabbitMQ itself, stopped and started (`rabbitmqctl stop_app` / `start_app`):
    every connection drops and nothing can connect, custody's included, until it runs again."""

    def __init__(self):
        self.stopped = False

    @staticmethod
    def _ctl(*args: str) -> None:
        subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=180)

    def stop(self) -> None:
        self.stopped = True
        self._ctl("stop_app")

    def start(self) -> None:
        self._ctl("start_app")
        self._ctl("await_startup", "--timeout", "120")
        self.stopped = False


class KioskServer:
    """The kiosk Flask app on a free port, in this process (so its reader thread is real)."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        reader = self.app.extensions.get("reader")
        if reader is not None:
            reader.stop()
        self.app.extensions["syncer"].stop()
        self.server.shutdown()


class KioskProcess:
    """The kiosk as ops run it (`python -m kiosk`: gunicorn) on ``port``, in demo mode, with no broker
    (offline); in a session of its own, so that its process group can be frozen or stopped whole."""

    def __init__(self, port: int, tmp_path: Path):
        self.port, self.log_path = port, tmp_path / f"kiosk-{port}.log"
        env = os.environ | {"KIOSK_ID": "kiosk-test", "KIOSK_SECRET": "x" * 20, "KIOSK_CARD_KEY": CARD_KEY.decode(),
                            "KIOSK_DEMO": "1", "KIOSK_USE_READER": "0", "KIOSK_BIND": f"127.0.0.1:{port}",
                            "KIOSK_JOURNAL_PATH": str(tmp_path / "journal.db"), "PYTHONWARNINGS": "ignore",
                            "AMQP_URI": f"amqp://guest:guest@127.0.0.1:{free_port()}/"}  # no broker: offline
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "kiosk"], env=env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{port}/"

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


def free_port() -> int:
    """A port nothing listens on now (for a server started next, beside a developer's ./run.sh)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    """The server at ``url`` answers 200 now (not started yet, stopped or frozen: False)."""
    try:
        return requests.get(url, timeout=3).status_code == 200
    except requests.RequestException:
        return False


def wait_until(predicate, timeout: float = 10.0, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"condition not met within {timeout}s")


SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "kiosk-screens"
