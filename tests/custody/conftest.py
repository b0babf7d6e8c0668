"""Custody fixtures: a running service on a real broker, an RPC client, an event listener."""
from __future__ import annotations

import queue
from datetime import datetime, timedelta, timezone

import eventlet
import pytest
from kombu import Connection, Exchange, Queue, binding
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.cards import card_hash
from contracts.errors import CustodyRefusal
from contracts.labels import make_payload
from custody.models import Asset, AuditEntry, Custody, OutboxMessage
from custody.service import CustodyService
from tests.conftest import LABEL_SECRET

CARD_KEY = b"kiosk-card-key-for-tests"


@pytest.fixture
def service_config(rabbit_config, custody_settings) -> dict:
    return {"AMQP_URI": rabbit_config["AMQP_URI"], "max_workers": 10, "CUSTODY": custody_settings}


@pytest.fixture
def custody(container_factory, service_config):
    container = container_factory(CustodyService, service_config)
    container.start()
    return container


@pytest.fixture
def rpc(custody, service_config):
    with ServiceRpcProxy("custody", service_config, timeout=10) as proxy:
        yield proxy


def at_once(service_config: dict, *calls):
    """Run each call(proxy) on its own RPC connection at the same moment; refusals come back as their codes."""
    def attempt(call):
        with ServiceRpcProxy("custody", service_config, timeout=10) as proxy:
            try:
                return call(proxy)
            except CustodyRefusal as refusal:
                return refusal.code

    return [gt.wait() for gt in [eventlet.spawn(attempt, call) for call in calls]]


class EventLog:
    """A plain AMQP consumer bound to ``<source>.events`` (custody's by default): what any subscriber would receive."""

    def __init__(self, amqp_uri: str, sources: tuple[str, ...] = ("custody",)):
        self.received: queue.Queue = queue.Queue()
        self.conn = Connection(amqp_uri)
        self.queue = Queue(exclusive=True, bindings=[
            binding(Exchange(f"{source}.events", type="topic", durable=True), routing_key="#") for source in sources])
        self.consumer = self.conn.Consumer(self.queue, callbacks=[self._on_message], accept=["json"])
        self.consumer.consume()
        self.gt = eventlet.spawn(self._drain)

    def _on_message(self, body, message):
        self.received.put((message.delivery_info["routing_key"], body))
        message.ack()

    def _drain(self):
        while True:
            try:
                self.conn.drain_events(timeout=0.2)
            except TimeoutError:
                pass

    def wait_for(self, event_type: str, timeout: float = 5.0, predicate=lambda body: True) -> dict:
        deadline = datetime.now() + timedelta(seconds=timeout)
        while (left := (deadline - datetime.now()).total_seconds()) > 0:
            try:
                kind, body = self.received.get(timeout=left)
            except queue.Empty:
                break
            if kind == event_type and predicate(body):
                return body
        raise AssertionError(f"no {event_type} event within {timeout}s")

    def collect(self, seconds: float) -> list[tuple[str, dict]]:
        eventlet.sleep(seconds)
        out = []
        while not self.received.empty():
            out.append(self.received.get_nowait())
        return out

    def close(self):
        self.gt.kill()
        self.conn.release()


@pytest.fixture
def event_log(rabbit_config):
    log = EventLog(rabbit_config["AMQP_URI"])
    yield log
    log.close()


KIOSK_SECRETS: dict[str, str] = {}


def register_kiosks(rpc) -> None:
    """The kiosks the tests use; their secrets are kept for at()."""
    for kiosk_id in ("k1", "k2", "kiosk-3F"):
        KIOSK_SECRETS[kiosk_id] = rpc.register_kiosk(kiosk_id, f"cabinet {kiosk_id}")["kiosk_secret"]


def at(kiosk_id: str) -> dict:
    """Credentials of a registered test kiosk, as keyword arguments for kiosk RPCs."""
    return {"kiosk_id": kiosk_id, "kiosk_secret": KIOSK_SECRETS[kiosk_id]}


def card(n: int) -> str:
    return card_hash(f"0102030405060{n:03d}", CARD_KEY)


def label(tag: str) -> str:
    return make_payload(tag, LABEL_SECRET.encode())


def hours_ago(h: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(hours=h)).isoformat()


LAPTOP = {"tag": "LT-0001", "kind": "laptop", "model_number": "VJPK11C12N", "serial_number": "SN-778812",
          "colour": "silver", "department": "Sales", "home_cabinet": "Cabinet 3F-A",
          "data_categories": ["name", "email", "phone"], "customer_ids": ["C-100", "C-200"],
          "approx_persons": 1200, "eu_data_subjects": True, "encryption": "full_disk",
          "cipher": "AES-256 XTS", "key_stored_separately": True, "remote_wipe": True, "password_lock": True}


@pytest.fixture
def people(rpc):
    """A manager and two staff with cards; Sato's training is valid, Ito's is missing."""
    rpc.register_employee({"employee_number": "M001", "name": "田中 一郎", "email": "tanaka@example.co.jp",
                           "department": "Sales", "training_completed_at": hours_ago(24 * 30)})
    rpc.register_employee({"employee_number": "E001", "name": "佐藤 花子", "email": "sato@example.co.jp",
                           "department": "Sales", "manager_number": "M001",
                           "training_completed_at": hours_ago(24 * 10)})
    rpc.register_employee({"employee_number": "E002", "name": "伊藤 健", "email": "ito@example.co.jp",
                           "department": "Sales", "manager_number": "M001"})
    for n, number in enumerate(("M001", "E001", "E002")):
        rpc.bind_card(number, card(n))
    register_kiosks(rpc)
    return {"manager": card(0), "sato": card(1), "ito": card(2)}


def ledger_state(engine) -> dict:
    """What a refusal must leave untouched: records, statuses, queued events, audit entries."""
    with Session(engine) as s:
        return {"custody": s.scalar(select(func.count()).select_from(Custody)),
                "open": s.scalar(select(func.count()).select_from(Custody).where(Custody.returned_at.is_(None))),
                "statuses": dict(s.execute(select(Asset.tag, Asset.status)).all()),
                "outbox": s.scalar(select(func.count()).select_from(OutboxMessage)),
                "audit": s.scalar(select(func.count()).select_from(AuditEntry))}
