"""The delivery rows' state changes: claim with a lease, mark sending, record the SMTP outcome."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from notify.intake import failure_event
from notify.mailer import SendResult
from notify.models import Delivery
from notify.outbox import OUTBOX
from notify.settings import Settings

WAITING = ("pending", "sending")


def _free(now: datetime):
    return (Delivery.status.in_(WAITING), Delivery.next_attempt_at <= now,
            or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now))


def claim(session: Session, owner: str, now: datetime, lease: float, limit: int) -> list[Delivery]:
    """Lease due rows to one sender; a row found still 'sending' was cut off by a crash: it is in doubt."""
    ids = session.scalars(select(Delivery.id).where(*_free(now))
                          .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)).all()
    if not ids:
        session.commit()
        return []
    # the conditions are checked again under the row lock, so two replicas never share a row
    session.execute(update(Delivery).where(Delivery.id.in_(ids), *_free(now))
                    .values(claimed_by=owner, claimed_until=now + timedelta(seconds=lease)))
    session.execute(update(Delivery).where(Delivery.id.in_(ids), Delivery.claimed_by == owner,
                                           Delivery.status == "sending").values(in_doubt=True))
    session.commit()
    claimed = list(session.scalars(select(Delivery).where(Delivery.id.in_(ids), Delivery.claimed_by == owner,
                                                          Delivery.status.in_(WAITING)).order_by(Delivery.id)))
    session.commit()  # no transaction may stay open while the loop waits (SQLite: it holds the write lock)
    return claimed


def mark_sending(session: Session, delivery: Delivery, owner: str, now: datetime, lease: float) -> bool:
    """Committed before the SMTP transaction: after a crash the row shows it may have gone out."""
    done = session.execute(
        update(Delivery).where(Delivery.id == delivery.id, Delivery.claimed_by == owner,
                               Delivery.status.in_(WAITING))
        .values(status="sending", attempts=Delivery.attempts + 1, updated_at=now,
                claimed_until=now + timedelta(seconds=lease))).rowcount
    session.commit()  # the ORM update also moved the loaded object's status and attempts on
    return bool(done)


def backoff(settings: Settings, attempts: int) -> float:
    """Exponential, capped, with full-range jitter (0.5x-1.5x) so retries of a mass send spread out."""
    delay = min(settings.retry_max_seconds, settings.retry_base_seconds * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.5, 1.5)


def record(session: Session, settings: Settings, delivery: Delivery, result: SendResult, now: datetime) -> str:
    """Store the outcome; a final failure queues delivery_failed in the same transaction. Returns the status."""
    values = {"smtp_response": result.response[:500], "updated_at": now, "claimed_until": None}
    if result.accepted:
        values["status"] = "sent"
    elif result.permanent or delivery.attempts >= settings.max_attempts:
        values["status"] = "failed"
    else:
        values |= {"status": "pending",
                   "next_attempt_at": now + timedelta(seconds=backoff(settings, delivery.attempts))}
    session.execute(update(Delivery).where(Delivery.id == delivery.id).values(**values))
    if values["status"] == "failed":
        delivery.smtp_response = values["smtp_response"]
        OUTBOX.add(session, failure_event(delivery, now, permanent=result.permanent))
    session.commit()
    return values["status"]


def release(session: Session, owner: str) -> None:
    """Give back the rows this sender still holds unsent (the relay is down: try them later)."""
    session.execute(update(Delivery).where(Delivery.claimed_by == owner, Delivery.status == "pending")
                    .values(claimed_until=None))
    session.commit()


def next_due(session: Session) -> datetime | None:
    return session.scalar(select(Delivery.next_attempt_at).where(Delivery.status.in_(WAITING))
                          .order_by(Delivery.next_attempt_at).limit(1))
