"""notify's tables: one row per e-mail to send, the events already taken in, and the outbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.models import TYPE_MAP, OutboxColumns, correlation_column


class Base(DeclarativeBase):
    type_annotation_map = TYPE_MAP


WAITING = text("status IN ('pending', 'sending')")


class Delivery(Base):
    """One e-mail: rendered once when the event arrives, sent by the sender loop.

    ``source_key`` is the source event id (``notice:<request_id>`` for customer notices);
    with recipient and template it is the idempotency key, enforced by the database.
    Status: pending → sending → sent | failed (pending again after a temporary failure).
    """
    __tablename__ = "deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_key: Mapped[str] = mapped_column(String(120))
    source_event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(100))
    incident_reference: Mapped[str | None] = mapped_column(String(64))
    template: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    recipient: Mapped[str] = mapped_column(String(254))
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    smtp_response: Mapped[str] = mapped_column(String(500), default="")
    in_doubt: Mapped[bool] = mapped_column(default=False)  # a crash hit between SMTP and commit
    correlation_id: Mapped[str | None] = correlation_column()  # the event's, so its sending is logged under it
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("source_key", "recipient", "template", name="uq_delivery_idempotency"),
        # the sender reads only what still waits, by due time: its cost follows the backlog
        Index("ix_delivery_waiting", "next_attempt_at", "id", postgresql_where=WAITING, sqlite_where=WAITING),
        Index("ix_delivery_request", "request_id", "status"),
        Index("ix_delivery_incident", "incident_reference"),
    )


class InboxEvent(Base):
    """An event already turned into deliveries: a redelivered copy is dropped."""
    __tablename__ = "inbox"
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime]
    deliveries: Mapped[int]


class OutboxMessage(OutboxColumns, Base):
    """notify's outbox (delivery_failed), published by servicekit's relay."""
