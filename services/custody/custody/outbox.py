"""Transactional outbox: events stored with the change, published after commit."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from contracts.events import Event
from custody.models import OutboxMessage


def add(session: Session, event: Event) -> None:
    """Queue an event in the caller's transaction: it is published only if that commits."""
    session.add(OutboxMessage(event_id=event.event_id, event_type=event.event_type,
                              payload=event.to_wire(), occurred_at=event.occurred_at))


def claim(session: Session, owner: str, now: datetime, lease: float, limit: int = 100) -> list[OutboxMessage]:
    """Lease unsent messages to one publisher; a crashed publisher's lease runs out."""
    free = (OutboxMessage.sent_at.is_(None),
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
    ids = session.scalars(select(OutboxMessage.id).where(*free).order_by(OutboxMessage.id).limit(limit)).all()
    if not ids:
        session.commit()
        return []
    # the conditions are re-checked under the row lock, so two replicas never share a row
    session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), *free)
                    .values(claimed_by=owner, claimed_until=now + timedelta(seconds=lease),
                            attempts=OutboxMessage.attempts + 1))
    session.commit()
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.claimed_by == owner, OutboxMessage.sent_at.is_(None),
        OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)))


def mark_sent(session: Session, message_id: int, now: datetime) -> None:
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                    .values(sent_at=now, claimed_until=None))
    session.commit()


def release(session: Session, owner: str) -> None:
    """Give back what this publisher holds (after a broker error) so it is retried."""
    session.execute(update(OutboxMessage).where(OutboxMessage.claimed_by == owner,
                                                OutboxMessage.sent_at.is_(None))
                    .values(claimed_until=None))
    session.commit()


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
