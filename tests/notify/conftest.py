"""Notify fixtures: a real SMTP server (aiosmtpd) in its own process, so eventlet's monkey-patching never
touches it; the service on a real broker and database; publishing and listening helpers."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import eventlet
import pytest
from kombu import Connection, Exchange, Queue
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy

from contracts.desk import from_environ
from notify import migrate
from notify.models import Base
from notify.service import NotifyService
from notify.settings import Settings
from tests.conftest import migrated_database
from tests.notify.processes import CONSOLE_URL, DESK_ENV

SINK = Path(__file__).with_name("smtp_sink.py")


@dataclass
class SmtpSink:
    port: int
    folder: Path

    def refuse(self, address: str, reply: str) -> None:
        """Answer RCPT TO:<address> with this reply from now on."""
        rules = self.folder / "rules.json"
        current = json.loads(rules.read_text()) if rules.exists() else {}
        rules.write_text(json.dumps({**current, address: reply}))

    def received(self) -> list[tuple[dict, EmailMessage]]:
        """Every message accepted so far: (envelope, decoded message)."""
        mail = self.folder / "mail"
        out = []
        for meta in sorted(mail.glob("*.json"), key=lambda p: int(p.stem)):
            raw = meta.with_suffix(".eml").read_bytes()
            out.append((json.loads(meta.read_text()) | {"raw": raw}, message_from_bytes(raw, policy=policy.default)))
        return out

    def message_ids(self) -> list[str]:
        """The Message-ID of every accepted message, a resent copy counted again (header parse only)."""
        out = []
        for path in (self.folder / "mail").glob("*.json"):
            head = path.with_suffix(".eml").read_bytes().split(b"\r\n\r\n", 1)[0]
            out += [line.split(b":", 1)[1].strip().decode() for line in head.split(b"\r\n")
                    if line.lower().startswith(b"message-id:")]
        return out

    def reset(self) -> None:
        (self.folder / "rules.json").unlink(missing_ok=True)
        shutil.rmtree(self.folder / "mail")
        (self.folder / "mail").mkdir()


class SinkProcess:
    """aiosmtpd in a process of its own; ``port=0`` picks a free port."""

    def __init__(self, folder: Path, port: int = 0, env: dict | None = None):
        folder.mkdir(parents=True, exist_ok=True)
        self.log = open(folder / "sink.log", "wb")
        self.proc = subprocess.Popen([sys.executable, str(SINK), str(folder), str(port)],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=os.environ | (env or {}))
        deadline = time.monotonic() + 15
        while not (folder / "port").exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                pytest.fail(f"SMTP sink did not start: {(folder / 'sink.log').read_text()}")
            time.sleep(0.05)
        self.sink = SmtpSink(port=int((folder / "port").read_text()), folder=folder)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="session")
def smtp_sink_process(tmp_path_factory):
    process = SinkProcess(tmp_path_factory.mktemp("smtp"))
    yield process.sink
    process.stop()


@pytest.fixture
def smtp(smtp_sink_process) -> SmtpSink:
    """The SMTP sink with no rules and an empty mailbox."""
    smtp_sink_process.reset()
    return smtp_sink_process


# --- the notify service on a real broker and a migrated database (SQLite or PostgreSQL) ---

notify_db_template, notify_db_url = migrated_database("notify", migrate.upgrade, Base.metadata, "notify_db_url")
SECURITY_TEAM = ("security@example.co.jp",)
PRIVACY_OFFICER = ("privacy@example.co.jp",)
DESK = from_environ(DESK_ENV)


def plain_settings(**overrides) -> Settings:
    """The tests' settings without a database or SMTP server, for planning and rendering alone."""
    return Settings(**{"db_url": "sqlite://", "desk": DESK, "console_base_url": CONSOLE_URL,
                       "security_team": SECURITY_TEAM, "privacy_officer": PRIVACY_OFFICER, **overrides})


@pytest.fixture
def notify_settings(notify_db_url, smtp) -> dict:
    """Fast retries and no rate limit, so the tests wait on behaviour, not on policy."""
    return {"db_url": notify_db_url, "smtp": {"host": "127.0.0.1", "port": smtp.port, "timeout": 5},
            "security_team": list(SECURITY_TEAM), "privacy_officer": list(PRIVACY_OFFICER),
            "desk": DESK.model_dump(), "console_base_url": CONSOLE_URL, "rate_per_second": 0, "max_attempts": 3,
            "retry_base_seconds": 0.05, "retry_max_seconds": 0.2, "lease_seconds": 5,
            "sender_poll_interval": 0.2, "outbox_poll_interval": 0.2}


@pytest.fixture
def notify_config(rabbit_config, notify_settings) -> dict:
    return {"AMQP_URI": rabbit_config["AMQP_URI"], "max_workers": 10, "NOTIFY": notify_settings}


@pytest.fixture
def start_notify(container_factory, notify_config):
    """Start the service (optionally with changed settings); the broker queues exist once it runs."""
    def start(max_workers: int = 10, **overrides):
        config = {**notify_config, "max_workers": max_workers, "NOTIFY": {**notify_config["NOTIFY"], **overrides}}
        container = container_factory(NotifyService, config)
        container.start()
        return container
    return start


@pytest.fixture
def notify_rpc(notify_config):
    with ServiceRpcProxy("notify", notify_config, timeout=15) as proxy:
        yield proxy


@pytest.fixture
def publish(notify_config):
    """Publish an event as its source service would (exchange <source>.events, key = event type)."""
    dispatch = event_dispatcher(notify_config)
    return lambda event: dispatch(event.source, event.event_type, event.to_wire())


def wait_until(check, timeout: float = 20, what: str = "condition"):
    """Poll until check() returns something truthy; fail after a generous timeout (not a speed test)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        eventlet.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def broker_queue(notify_config):
    """A queue bound before anything is published: ``listen(exchange, type, key)`` → kombu SimpleQueue."""
    conn = Connection(notify_config["AMQP_URI"])
    opened = []

    def listen(exchange: str, kind: str = "topic", routing_key: str = "#", name: str | None = None):
        queue = Queue(name or f"test-{exchange}-{len(opened)}", Exchange(exchange, type=kind, durable=True),
                      routing_key=routing_key, durable=name is not None)
        opened.append(conn.SimpleQueue(queue))
        return opened[-1]

    yield listen
    for simple in opened:
        simple.close()
    conn.release()
