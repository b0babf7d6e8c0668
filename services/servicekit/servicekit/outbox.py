"""Transactional outbox: events stored with the change, published after commit.

Each service maps its own ``outbox`` table (``OutboxColumns``) and makes one ``Outbox`` over it.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from contracts.events import Event
from servicekit import correlation


class Outbox:
    def __init__(self, model):
        self.model = model

    def add(self, session: Session, event: Event) -> None:
        """Queue an event in the caller's transaction: it is published only if that commits; it carries
        the correlation id in force."""
        session.add(self.model(event_id=event.event_id, event_type=event.event_type,
                               payload=event.to_wire(), occurred_at=event.occurred_at,
                               correlation_id=correlation.current()))

    def claim(self, session: Session, owner: str, now: datetime, lease: float, limit: int = 100) -> list:
        """Lease unsent messages to one publisher; a crashed publisher's lease runs out."""
        row = self.model
        free = (row.sent_at.is_(None), or_(row.claimed_until.is_(None), row.claimed_until < now))
        ids = session.scalars(select(row.id).where(*free).order_by(row.id).limit(limit)).all()
        if not ids:
            session.commit()
            return []
        # the conditions are re-checked under the row lock, so two replicas never share a row
        session.execute(update(row).where(row.id.in_(ids), *free)
                        .values(claimed_by=owner, claimed_until=now + timedelta(seconds=lease),
                                attempts=row.attempts + 1))
        session.commit()
        return list(session.scalars(select(row).where(
            row.claimed_by == owner, row.sent_at.is_(None), row.id.in_(ids)).order_by(row.id)))

    def mark_sent(self, session: Session, message_id: int, now: datetime) -> None:
        session.execute(update(self.model).where(self.model.id == message_id).values(sent_at=now, claimed_until=None))
        session.commit()

    def release(self, session: Session, owner: str) -> None:
        """Give back what this publisher holds (after a broker error) so it is retried."""
        session.execute(update(self.model).where(self.model.claimed_by == owner, self.model.sent_at.is_(None))
                        .values(claimed_until=None))
        session.commit()

    def pending_count(self, session: Session) -> int:
        return session.scalar(select(func.count()).select_from(self.model).where(self.model.sent_at.is_(None)))

    def backlog(self, session: Session, now: datetime) -> tuple[int, float]:
        """Events not yet published, and the age of the oldest in seconds (0 when none)."""
        count, oldest = session.execute(select(func.count(), func.min(self.model.occurred_at))
                                        .where(self.model.sent_at.is_(None))).one()
        if oldest is not None and oldest.tzinfo is None:  # a raw min() over SQLite's text comes back naive
            oldest = oldest.replace(tzinfo=timezone.utc)
        return count, round(max(0.0, (now - oldest).total_seconds()), 1) if oldest else 0.0
