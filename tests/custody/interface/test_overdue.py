"""Overdue → possible_loss_detected within seconds, exactly once across replicas; crash safety."""
import random
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import eventlet
import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.events import parse_event
from custody.models import Custody, OutboxMessage
from tests.custody.conftest import at, register_kiosks, LAPTOP, card, hours_ago, label
from tests.custody.processes import CustodyProcess


@pytest.fixture
def replicas(rabbit_config, db_url, tmp_path):
    started = []

    def start(count: int = 1, **env):
        procs = [CustodyProcess(rabbit_config["AMQP_URI"], db_url, tmp_path / f"custody-{len(started) + i}.log", **env)
                 for i in range(count)]
        started.extend(procs)
        return [p.wait_ready() for p in procs]

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture
def client(rabbit_config):
    with ServiceRpcProxy("custody", {"AMQP_URI": rabbit_config["AMQP_URI"]}, timeout=10) as proxy:
        yield proxy


def seed(rpc) -> None:
    rpc.register_employee({"employee_number": "M001", "name": "田中 一郎", "email": "tanaka@example.co.jp"})
    rpc.register_employee({"employee_number": "E001", "name": "佐藤 花子", "email": "sato@example.co.jp",
                           "department": "Sales", "manager_number": "M001",
                           "training_completed_at": hours_ago(24)})
    rpc.bind_card("E001", card(1))
    rpc.register_asset(LAPTOP)
    register_kiosks(rpc)


def test_overdue_checkout_emits_possible_loss_once_with_two_replicas(replicas, client, event_log):
    replicas(2)
    seed(client)
    due = datetime.now(timezone.utc) + timedelta(seconds=1)
    client.checkout(card_hash=card(1), **at("kiosk-3F"), label=label("LT-0001"),
                    due_at=due.isoformat(), purpose="customer visit")
    body = event_log.wait_for("possible_loss_detected", timeout=5)
    event = parse_event("possible_loss_detected", body)
    assert event.asset.model_number == "VJPK11C12N" and event.asset.serial_number == "SN-778812"
    assert event.asset.colour == "silver" and event.asset.home_cabinet == "Cabinet 3F-A"
    assert event.data_inventory.categories == ("name", "email", "phone")
    assert event.data_inventory.customer_ids == ("C-100", "C-200")
    assert event.data_inventory.approx_persons == 1200 and event.data_inventory.eu_data_subjects
    assert event.protection.encryption == "full_disk" and event.protection.key_stored_separately
    assert event.holder.name == "佐藤 花子" and event.manager.email == "tanaka@example.co.jp"
    assert event.checkout.kiosk_id == "kiosk-3F" and event.checkout.purpose == "customer visit"
    assert event.checkout.due_at == due
    assert event.detected_at >= due
    later = event_log.collect(2.5)
    assert [kind for kind, _ in later].count("possible_loss_detected") == 0
    assert client.get_asset("LT-0001")["status"] == "overdue"
    assert [r["tag"] for r in client.list_overdue()] == ["LT-0001"]


def test_return_after_overdue_emits_asset_recovered_naming_holder_and_manager(replicas, client, event_log):
    replicas(1)
    seed(client)
    due = datetime.now(timezone.utc) + timedelta(seconds=1)
    client.checkout(card_hash=card(1), **at("k1"), label=label("LT-0001"), due_at=due.isoformat())
    event_log.wait_for("possible_loss_detected", timeout=5)
    back = client.return_asset(**at("k1"), label=label("LT-0001"), card_hash=card(1))
    assert back["recovered"] is True and back["asset"]["status"] == "available"
    recovered = parse_event("asset_recovered", event_log.wait_for("asset_recovered"))
    assert recovered.tag == "LT-0001" and recovered.returned_by.employee_number == "E001"
    assert recovered.holder.name == "佐藤 花子" and recovered.manager.email == "tanaka@example.co.jp"  # to be told


def test_event_committed_before_a_crash_is_published_once_after_restart(replicas, client, event_log, engine):
    (first,) = replicas(1, CUSTODY_OUTBOX_PAUSED="true")  # holds events between commit and publish
    seed(client)
    client.checkout(card_hash=card(1), **at("k1"), label=label("LT-0001"))
    with Session(engine) as s:
        waiting = s.scalars(select(OutboxMessage.event_type).where(OutboxMessage.sent_at.is_(None))).all()
    assert "asset_checked_out" in waiting
    assert event_log.collect(1.0) == []  # committed, not yet published
    first.kill()
    replicas(1)
    body = event_log.wait_for("asset_checked_out", timeout=10)
    assert parse_event("asset_checked_out", body).holder.employee_number == "E001"
    seen = [body] + [b for kind, b in event_log.collect(2.0) if kind == "asset_checked_out"]
    assert Counter(b["event_id"] for b in seen) == {body["event_id"]: 1}
    with Session(engine) as s:
        assert s.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).all() == []


CRASHY = {"CUSTODY_MAX_ITEMS": "100", "CUSTODY_OUTBOX_LEASE_SECONDS": "2"}  # a dead relay's lease runs out soon


def test_killed_at_random_moments_custody_loses_no_checkout_and_no_event(replicas, client, rabbit_config,
                                                                          event_log, engine):
    """SIGKILL wherever it falls (before, inside or after a commit, between commit and publish, before
    the reply): every checkout is applied once and announced under one event id; none is lost."""
    (replica,) = replicas(1, **CRASHY)
    seed(client)
    tags = [f"LT-{n:04d}" for n in range(2, 82)]
    for n, tag in enumerate(tags):
        client.register_asset(LAPTOP | {"tag": tag, "serial_number": f"SN-{n:06d}"})
    event_log.collect(1.0)  # the registrations' events
    answers: dict[str, dict] = {}

    def take_every_asset():  # one kiosk, one request id per act; a call cut by a crash is redelivered
        with ServiceRpcProxy("custody", {"AMQP_URI": rabbit_config["AMQP_URI"]}, timeout=60) as kiosk:
            for tag in tags:
                answers[tag] = kiosk.checkout(card_hash=card(1), **at("k1"), label=label(tag),
                                              request_id=f"k1:{tag}")

    taking = eventlet.spawn(take_every_asset)
    rng = random.Random(20261129)
    for kill in range(1, 9):  # eight crashes spread over the run, each at a random moment of a call
        while len(answers) < kill * len(tags) // 10 and not taking.dead:
            eventlet.sleep(0.005)
        eventlet.sleep(rng.uniform(0.0, 0.05))
        replica.kill()
        (replica,) = replicas(1, **CRASHY)
    taking.wait()
    assert sorted(answers) == tags
    assert {a["asset"]["status"] for a in answers.values()} == {"checked_out"}
    with Session(engine) as s:
        applied = Counter(s.scalars(select(Custody.checkout_request_id)).all())
    assert applied == {f"k1:{tag}": 1 for tag in tags}
    deadline = datetime.now() + timedelta(seconds=30)
    while unsent(engine) and datetime.now() < deadline:  # rows a killed relay held wait out its lease
        eventlet.sleep(0.2)
    assert unsent(engine) == 0
    ids_by_tag: dict[str, set[str]] = defaultdict(set)
    for kind, body in event_log.collect(1.0):
        if kind == "asset_checked_out":
            ids_by_tag[body["asset"]["tag"]].add(body["event_id"])
    assert {tag: len(ids) for tag, ids in ids_by_tag.items()} == {tag: 1 for tag in tags}


def unsent(engine) -> int:
    with Session(engine) as s:
        return len(s.scalars(select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None))).all())
