"""Column types and the outbox table shape shared by every service's models."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, Index, String, TypeDecorator, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from servicekit import correlation


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to the database")
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None


# each service declares its own Base (its own metadata) with this map:
#     class Base(DeclarativeBase): type_annotation_map = TYPE_MAP
TYPE_MAP = {datetime: UTCDateTime, list: JSON, dict: JSON}


class OutboxColumns:
    """An event written with the state change, published after commit (mix into a mapped class)."""
    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict]
    occurred_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    correlation_id: Mapped[str | None] = mapped_column(String(64))  # sent on as the event's nameko.correlation_id

    @declared_attr.directive
    def __table_args__(cls):
        return (Index("ix_outbox_unsent", "id",
                      postgresql_where=text("sent_at IS NULL"), sqlite_where=text("sent_at IS NULL")),)


def correlation_column() -> Mapped[str | None]:
    """A row's correlation id: the one in force when it was inserted (servicekit.correlation), so a loop
    that later acts on the row (the sweeper, reminders, the sender) can log and publish under it."""
    return mapped_column(String(64), default=correlation.current)
