"""The ledger's tables, as typed SQLAlchemy 2 mappings."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from servicekit.models import TYPE_MAP, OutboxColumns, correlation_column
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = TYPE_MAP


OPEN = text("returned_at IS NULL")
OPEN_NOT_OVERDUE = text("returned_at IS NULL AND overdue_at IS NULL")


class Employee(Base):
    __tablename__ = "employees"
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    department: Mapped[str] = mapped_column(String(100), default="")
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    card_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    training_completed_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(2), default="ja")
    manager: Mapped[Employee | None] = relationship(remote_side=[id])


class Asset(Base):
    __tablename__ = "assets"
    id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    model_number: Mapped[str] = mapped_column(String(100))
    serial_number: Mapped[str] = mapped_column(String(100))
    colour: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(String(500), default="")
    department: Mapped[str] = mapped_column(String(100), default="")
    home_cabinet: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default="available")
    data_categories: Mapped[list] = mapped_column(default=list)
    customer_ids: Mapped[list] = mapped_column(default=list)
    approx_persons: Mapped[int] = mapped_column(default=0)
    eu_data_subjects: Mapped[bool] = mapped_column(default=False)
    encryption: Mapped[str] = mapped_column(String(20), default="none")
    cipher: Mapped[str] = mapped_column(String(100), default="")
    key_stored_separately: Mapped[bool] = mapped_column(default=False)
    remote_wipe: Mapped[bool] = mapped_column(default=False)
    password_lock: Mapped[bool] = mapped_column(default=False)


class Custody(Base):
    """One checkout, open until returned_at is set."""
    __tablename__ = "custody_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    checked_out_at: Mapped[datetime]
    checkout_kiosk_id: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime]
    purpose: Mapped[str] = mapped_column(String(500), default="")
    overdue_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    return_kiosk_id: Mapped[str | None] = mapped_column(String(64))
    # idempotency keys sent by kiosks, so a replayed journal entry is applied once
    checkout_request_id: Mapped[str | None] = mapped_column(String(64))
    return_request_id: Mapped[str | None] = mapped_column(String(64))
    correlation_id: Mapped[str | None] = correlation_column()  # the checkout's, for its possible loss later
    asset: Mapped[Asset] = relationship()
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    returned_by: Mapped[Employee | None] = relationship(foreign_keys=[returned_by_id])

    __table_args__ = (
        # the sweep reads only open, not-yet-overdue rows by due time: its cost follows
        # the newly overdue, not the ledger's size
        Index("ix_custody_due_open", "due_at",
              postgresql_where=OPEN_NOT_OVERDUE, sqlite_where=OPEN_NOT_OVERDUE),
        # at most one open checkout per asset, enforced by the database itself
        Index("ux_custody_open_asset", "asset_id", unique=True,
              postgresql_where=OPEN, sqlite_where=OPEN),
        Index("ix_custody_employee_open", "employee_id",
              postgresql_where=OPEN, sqlite_where=OPEN),
        Index("ix_custody_asset", "asset_id", "checked_out_at"),
        UniqueConstraint("checkout_request_id", name="uq_custody_checkout_request"),
        UniqueConstraint("return_request_id", name="uq_custody_return_request"),
    )


class Kiosk(Base):
    """A registered kiosk; only a hash of its secret is kept."""
    __tablename__ = "kiosks"
    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    secret_hash: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    registered_at: Mapped[datetime]


class OutboxMessage(OutboxColumns, Base):
    """custody's outbox (the shape is shared by every service)."""


class AuditEntry(Base):
    """Append-only; each entry's hash covers its content and the previous entry's hash."""
    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_key: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict]
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """A single row: the chain's last sequence number and hash, locked by each append."""
    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))


GENESIS_HASH = "0" * 64
