"""One working day's scenario through the system as ops run it (tests/operations/stack.py), with its
results read back from the databases and the SMTP sink in a form that does not depend on timing or on
which replica did what.

The scenario: a ledger, ten checkouts (one through the kiosk's own pages, the others as kiosk RPCs, each
with its correlation id), two returns, eight checkouts past their due time (possible losses, incidents
opened, deadline reminders, e-mails), and a mass customer notice.
"""
from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from contracts.cards import card_hash
from contracts.labels import make_payload
from custody.models import Custody
from incident.models import DutyState, Incident, Reminder
from notify.models import Delivery
from tests.conftest import LABEL_SECRET, view_engine
from tests.operations.stack import Stack

CARD_KEY = "scenario-card-key-0123456789"
KIOSK = "kiosk-ops"
SECURITY, PRIVACY = "security-team@example.co.jp", "privacy-office@example.co.jp"
MANAGER = {"employee_number": "M001", "name": "田中 一郎", "email": "tanaka.ichiro@example.co.jp"}
STAFF = [{"employee_number": "E001", "name": "佐藤 花子", "email": "sato.hanako@example.co.jp"},
         {"employee_number": "E002", "name": "鈴木 次郎", "email": "suzuki.jiro@example.co.jp"},
         {"employee_number": "E003", "name": "高橋 三奈", "email": "takahashi.mina@example.co.jp"},
         {"employee_number": "E004", "name": "Emma Clarke", "email": "emma.clarke@example.co.jp", "language": "en"}]
UIDS = {p["employee_number"]: f"01020304050607{n:02d}" for n, p in enumerate([MANAGER, *STAFF], start=1)}
TAGS = [f"LT-{n:04d}" for n in range(1, 11)]
HOLDERS = {tag: STAFF[i % len(STAFF)]["employee_number"] for i, tag in enumerate(TAGS)}
RETURNED = ("LT-0009", "LT-0010")
CUSTOMERS = [{"name": f"顧客 {n:02d} 様", "email": f"customer{n:02d}@example.net", "language": "ja" if n % 2 else "en",
              "variables": {"phone": f"03-5555-01{n:02d}"}} for n in range(24)]
NOTICE = "notice-scenario-1"


def personal_data() -> list[str]:
    """Everything the scenario knows about people: none of it may appear in a log line."""
    people = [MANAGER, *STAFF]
    return ([p["name"] for p in people] + [p["email"] for p in people] + list(UIDS.values())
            + [card_hash(uid, CARD_KEY.encode()) for uid in UIDS.values()]
            + [c["name"] for c in CUSTOMERS] + [c["email"] for c in CUSTOMERS]
            + [c["variables"]["phone"] for c in CUSTOMERS] + [SECURITY, PRIVACY])


def label(tag: str) -> str:
    return make_payload(tag, LABEL_SECRET.encode())


def custody_rpc(amqp: str, correlation_id: str | None = None) -> ClusterRpcProxy:
    return ClusterRpcProxy({"AMQP_URI": amqp}, timeout=30,
                           context_data={"correlation_id": correlation_id} if correlation_id else None)


def seed(amqp: str) -> str:
    """The ledger: a manager and four staff with cards and valid training, ten laptops holding 1,200
    customers' data each; the kiosk registered. Returns the kiosk's secret."""
    trained = (datetime.now(timezone.utc) - timedelta(days=30)).isoformat()
    with custody_rpc(amqp) as cluster:
        custody = cluster.custody
        for person in [MANAGER, *STAFF]:
            extra = {"manager_number": "M001"} if person is not MANAGER else {}
            custody.register_employee(person | extra | {"training_completed_at": trained})
            custody.bind_card(person["employee_number"], card_hash(UIDS[person["employee_number"]], CARD_KEY.encode()))
        for tag in TAGS:
            custody.register_asset({"tag": tag, "kind": "laptop", "model_number": "VJPK11C12N", "serial_number": f"SN-{tag}",
                                    "data_categories": ["name", "email", "phone"], "customer_ids": ["C-100", "C-200"],
                                    "approx_persons": 1200, "eu_data_subjects": True})
        return custody.register_kiosk(KIOSK, "operations scenario")["kiosk_secret"]


def checkout_at_the_kiosk(kiosk: str, tag: str) -> None:
    """The first staff member taps a demo card, scans the label, confirms: the kiosk's own pages."""
    staff = [p["employee_number"] for p in STAFF].index(HOLDERS[tag]) + 1
    for path, body in ((f"/demo/tap/{staff}", None), ("/scan", {"text": label(tag)}), ("/confirm", {"action": "checkout"})):
        assert requests.post(kiosk + path, json=body, timeout=20).status_code == 204, path


def start(amqp: str, dbs: dict[str, str], smtp_port: int, folder: Path, replicas: int) -> Stack:
    """The services as the scenario needs them: every deadline within the reminders' lead time (each
    required duty is reminded of once, at once), no e-mail rate limit, a quick sweep."""
    return Stack(amqp, dbs, smtp_port, folder, replicas, env={
        "custody": {"CUSTODY_SWEEP_MAX_INTERVAL": "0.5"},
        "incident": {"INCIDENT_REMINDER_LEAD_HOURS": "100000", "INCIDENT_REMINDER_INTERVAL": "1"},
        "notify": {"NOTIFY_SECURITY_TEAM": SECURITY, "NOTIFY_PRIVACY_OFFICER": PRIVACY, "NOTIFY_RATE_PER_SECOND": "0"}})


def run(stack: Stack, engines: dict) -> None:
    """The working day; waits until every consequence has happened."""
    secret = seed(stack.amqp)
    kiosk = stack.start_kiosk({"KIOSK_ID": KIOSK, "KIOSK_SECRET": secret, "KIOSK_CARD_KEY": CARD_KEY,
                               "KIOSK_DEMO_CARDS": ",".join(UIDS[p["employee_number"]] for p in STAFF)})
    checkout_at_the_kiosk(kiosk, TAGS[0])
    wait(lambda: count(engines["custody"], Custody) == 1, "the kiosk's checkout in custody")
    for tag in TAGS[1:]:
        holder = card_hash(UIDS[HOLDERS[tag]], CARD_KEY.encode())
        with custody_rpc(stack.amqp, f"scenario-{tag}") as cluster:
            cluster.custody.checkout(kiosk_id=KIOSK, kiosk_secret=secret, card_hash=holder, label=label(tag),
                                     request_id=f"req-{tag}")
    with custody_rpc(stack.amqp) as cluster:
        for tag in RETURNED:
            cluster.custody.return_asset(kiosk_id=KIOSK, kiosk_secret=secret, label=label(tag), request_id=f"ret-{tag}")
    wait(lambda: count(engines["custody"], Custody, Custody.returned_at.is_not(None)) == len(RETURNED), "the returns")
    day_ends(engines["custody"])
    with ClusterRpcProxy({"AMQP_URI": stack.amqp}, timeout=60) as cluster:
        cluster.notify.request_customer_notice({"request_id": NOTICE, "incident_reference": "INC-NOTICE",
                                                "template": "apology_notice", "variables": {"company": "株式会社サンプル"},
                                                "recipients": CUSTOMERS})
    settle(engines)


def day_ends(engine) -> None:
    """What is still out is past its due time (behind the services' backs; retried while SQLite is locked)."""
    from sqlalchemy.exc import OperationalError
    past = datetime.now(timezone.utc) - timedelta(minutes=5)
    for _ in range(200):
        try:
            with Session(engine) as session:
                session.execute(update(Custody).where(Custody.returned_at.is_(None)).values(due_at=past))
                session.commit()
            return
        except OperationalError:
            time.sleep(0.05)
    raise TimeoutError("the custody database stayed locked")


def count(engine, model, *where) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def wait(check, what: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def settle(engines: dict) -> None:
    """Until the eight incidents are open, each required duty reminded of, every outbox empty and every
    e-mail sent, and nothing more happens for two seconds."""
    open_losses = len(TAGS) - len(RETURNED)

    def quiet() -> tuple | None:
        if count(engines["incident"], Incident) < open_losses:
            return None
        with Session(engines["incident"]) as session:
            duties = session.scalar(select(func.count()).select_from(DutyState).where(
                DutyState.required.is_(True), DutyState.done_at.is_(None),
                (DutyState.target_at.is_not(None)) | (DutyState.limit_at.is_not(None))))
        if count(engines["incident"], Reminder) < duties:
            return None
        for name in ("custody", "incident", "notify"):
            with engines[name].connect() as conn:
                if conn.execute(text("SELECT count(*) FROM outbox WHERE sent_at IS NULL")).scalar():
                    return None
        if count(engines["notify"], Delivery, Delivery.status.in_(("pending", "sending"))):
            return None
        return tuple(count(engines[n], m) for n, m in (("incident", Reminder), ("notify", Delivery)))

    wait(quiet, "the scenario to settle", timeout=120)
    before = quiet()
    time.sleep(2)
    wait(lambda: (now := quiet()) is not None and now == before, "nothing more to happen", timeout=5)


def results(engines: dict, smtp) -> dict:
    """What the scenario left, by asset tag, template and address (never by row id, reference or replica)."""
    with Session(engines["custody"]) as session:
        records = sorted((r.asset.tag, r.employee.employee_number, r.returned_at is not None, r.overdue_at is not None)
                         for r in session.scalars(select(Custody)))
    with Session(engines["incident"]) as session:
        incidents = session.scalars(select(Incident)).all()
        tag_of = {i.reference: i.asset["tag"] for i in incidents}
        by_id = {i.id: i.asset["tag"] for i in incidents}
        opened = sorted((i.asset["tag"], i.status, i.origin) for i in incidents)
        reminders = sorted((by_id[r.incident_id], r.duty_code, r.kind) for r in session.scalars(select(Reminder)))
    with Session(engines["notify"]) as session:
        deliveries = sorted((d.template, d.recipient, tag_of.get(d.incident_reference, d.incident_reference), d.status)
                            for d in session.scalars(select(Delivery)))
    received = Counter(smtp.message_ids())
    return {"custody": records, "incidents": opened, "reminders": reminders, "deliveries": deliveries,
            "emails_received": sum(received.values()), "emails_received_twice": [m for m, n in received.items() if n > 1]}


def correlation_of(engines: dict, tag: str) -> str | None:
    """The correlation id custody keeps with the checkout of this asset."""
    from custody.models import Asset
    with Session(engines["custody"]) as session:
        return session.scalar(select(Custody.correlation_id).join(Asset, Custody.asset_id == Asset.id)
                              .where(Asset.tag == tag))


def engines_for(dbs: dict[str, str]) -> dict:
    return {name: view_engine(url) for name, url in dbs.items()}
