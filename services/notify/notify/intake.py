"""Turn an event into delivery rows: rendered now, stored with an inbox record in one transaction."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contracts import events as ev
from notify.exceptions import InvalidHeader
from notify.mailer import build_message
from notify.models import Delivery, InboxEvent
from notify.outbox import OUTBOX
from notify.plan import Planned, plan
from notify.render import render
from notify.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Intake:
    """What one event (or notice request) added: new rows, rows already there, rows refused at once."""
    added: int
    existing: int
    refused: int
    duplicate_event: bool = False

    def to_dict(self) -> dict:
        return {"added": self.added, "existing": self.existing, "refused": self.refused,
                "duplicate_event": self.duplicate_event}


def message_id(settings: Settings, key: Planned) -> str:
    """The same Message-ID for every attempt at one e-mail, so a resend after a crash can be recognised."""
    digest = hashlib.sha256(f"{key.source_key}\n{key.email}\n{key.template}".encode()).hexdigest()[:40]
    return f"{digest}@{settings.message_id_domain}"


def _row(settings: Settings, event: ev.Event, item: Planned, now: datetime) -> dict:
    """A delivery row; rendering errors propagate (the event is poison), unsafe headers fail this row only."""
    rendered = render(item.template, item.language, item.variables, settings.timezone)
    row = {"source_key": item.source_key, "source_event_id": event.event_id, "event_type": event.event_type,
           "request_id": item.request_id, "incident_reference": item.incident_reference,
           "template": item.template, "language": item.language, "recipient": item.email[:254],
           "recipient_name": item.name[:200], "message_id": message_id(settings, item),
           "subject": rendered.subject, "body_text": rendered.text, "body_html": rendered.html,
           "status": "pending", "attempts": 0, "next_attempt_at": now, "smtp_response": "",
           "in_doubt": False, "created_at": now, "updated_at": now}
    try:
        build_message(settings.sender(item.language), (item.name, item.email), rendered, row["message_id"])
    except InvalidHeader as exc:
        # never sent: a name, address or subject that could add headers is refused for good
        row |= {"status": "failed", "smtp_response": f"not sent: {type(exc).__name__} (unsafe header)"}
    return row


def _insert(session: Session, rows: list[dict]) -> list:
    """Insert, skipping rows whose idempotency key is already there; returns the new ones."""
    if not rows:
        return []
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(Delivery).on_conflict_do_nothing(
        index_elements=["source_key", "recipient", "template"])
    added = []
    for start in range(0, len(rows), 500):
        added += session.execute(stmt.returning(Delivery.id, Delivery.status), rows[start:start + 500]).all()
    return added


def take(session: Session, settings: Settings, event: ev.Event, now: datetime) -> Intake:
    """Record every e-mail the event calls for, once; commits. Raises RenderError for a poison event."""
    known = session.get(InboxEvent, event.event_id) is not None
    session.rollback()  # render outside any transaction: on SQLite an open one holds the write lock
    if known:
        return Intake(0, 0, 0, duplicate_event=True)
    rows = [_row(settings, event, item, now) for item in plan(event, settings)]
    try:
        session.add(InboxEvent(event_id=event.event_id, event_type=event.event_type, received_at=now,
                               deliveries=len(rows)))
        session.flush()
        added = _insert(session, rows)
        refused = [delivery_id for delivery_id, status in added if status == "failed"]
        for delivery in session.scalars(select(Delivery).where(Delivery.id.in_(refused))):
            OUTBOX.add(session, failure_event(delivery, now, permanent=True))
        session.commit()
    except IntegrityError:  # the same event taken by another worker at the same moment
        session.rollback()
        return Intake(0, 0, 0, duplicate_event=True)
    log.info("%s %s: %d delivery(ies) added, %d already known, %d refused",
             event.event_type, event.event_id, len(added), len(rows) - len(added), len(refused))
    return Intake(len(added), len(rows) - len(added), len(refused))


def failure_event(delivery: Delivery, now: datetime, permanent: bool) -> ev.DeliveryFailed:
    return ev.DeliveryFailed.new(occurred_at=now, delivery_id=delivery.id, template=delivery.template,
                                 recipient=delivery.recipient, source_event_id=delivery.source_event_id,
                                 attempts=delivery.attempts, permanent=permanent,
                                 smtp_response=delivery.smtp_response)
