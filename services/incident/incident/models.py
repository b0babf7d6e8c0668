"""The incident file: typed SQLAlchemy 2 mappings.

Nothing a person wrote is ever updated in place: report versions and timeline entries are
appended, and a correction supersedes the entry it corrects.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from incident.domain import Deadline
from servicekit.models import TYPE_MAP, OutboxColumns, correlation_column


class Base(DeclarativeBase):
    type_annotation_map = TYPE_MAP | {date: Date}


class Incident(Base):
    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # INC-2026-0007
    status: Mapped[str] = mapped_column(String(16))  # suspected, confirmed, recovered, closed
    origin: Mapped[str] = mapped_column(String(16))  # possible_loss, reported
    source_event_id: Mapped[str | None] = mapped_column(String(36), unique=True)  # one incident per loss
    correlation_id: Mapped[str | None] = correlation_column()  # the act that opened it, for its reminders
    title: Mapped[str] = mapped_column(String(200))
    asset: Mapped[dict | None]           # AssetFeatures from the ledger, or what the reporter described
    holder: Mapped[dict | None]          # Person
    manager: Mapped[dict | None]         # Person
    checkout: Mapped[dict | None]        # CheckoutFacts
    ledger_inventory: Mapped[dict]       # DataInventory as the ledger had it
    protection: Mapped[dict]             # Protection
    facts: Mapped[dict]                  # the judgement calls that feed the duties (improper purpose, ...)
    aware_at: Mapped[datetime]           # when the company became aware: deadlines run from here
    opened_at: Mapped[datetime]
    opened_by: Mapped[str] = mapped_column(String(64))
    recovered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(64))
    resolution: Mapped[str | None] = mapped_column(String(16))  # no_leak, resolved
    close_reason: Mapped[str | None] = mapped_column(Text)
    next_due_at: Mapped[datetime | None]  # nearest open deadline, for the list (kept by recompute)

    reports: Mapped[list[ReportVersion]] = relationship(order_by="ReportVersion.version", back_populates="incident")
    timeline: Mapped[list[TimelineEntry]] = relationship(order_by="TimelineEntry.id", back_populates="incident")
    duties: Mapped[list[DutyState]] = relationship(order_by="DutyState.id", back_populates="incident")
    actions: Mapped[list[PreventionAction]] = relationship(order_by="PreventionAction.id", back_populates="incident")
    measures: Mapped[list[EmployeeMeasure]] = relationship(order_by="EmployeeMeasure.id", back_populates="incident")
    review: Mapped[Review | None] = relationship(back_populates="incident")

    __table_args__ = (Index("ix_incidents_status_due", "status", "next_due_at"),)


class ReportVersion(Base):
    """One submitted version of the loss report (step 1); the latest is the current one."""
    __tablename__ = "report_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    version: Mapped[int]
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime]
    body: Mapped[dict]  # schemas.LossReport
    incident: Mapped[Incident] = relationship(back_populates="reports")

    __table_args__ = (UniqueConstraint("incident_id", "version", name="uq_report_version"),)


class TimelineEntry(Base):
    """A timestamped fact. Never edited: a correction is a new entry that supersedes this one."""
    __tablename__ = "timeline"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    at: Mapped[datetime]            # when it happened
    recorded_at: Mapped[datetime]   # when it was written down
    recorded_by: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # fact, told, system
    place: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)  # what a person typed ("" for an entry the service wrote with a code)
    # an entry the service wrote: a code and its parameters, said in the reader's language (incident.texts.timeline);
    # None for what a person typed, and for entries written before the codes (their text is kept)
    code: Mapped[str | None] = mapped_column(String(40))
    params: Mapped[dict | None]
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("timeline.id"), unique=True)
    incident: Mapped[Incident] = relationship(back_populates="timeline")


class DutyState(Deadline, Base):
    """A legal duty as last computed, plus whether a person has fulfilled it."""
    __tablename__ = "duties"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    code: Mapped[str] = mapped_column(String(40))
    law: Mapped[str] = mapped_column(String(120))
    title_ja: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(120))
    required: Mapped[bool]
    target_at: Mapped[datetime | None]
    limit_at: Mapped[datetime | None]
    reasons: Mapped[list]
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(64))
    done_note: Mapped[str | None] = mapped_column(Text)
    incident: Mapped[Incident] = relationship(back_populates="duties")

    __table_args__ = (UniqueConstraint("incident_id", "code", name="uq_duty_code"),)


class Reminder(Base):
    """A deadline reminder that was sent: the unique key makes each one go out once, across replicas."""
    __tablename__ = "reminders"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    duty_code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(24))  # approaching:<hours>, missed
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("incident_id", "duty_code", "kind", "due_at", name="uq_reminder_once"),)


class Review(Base):
    """Step 6: why it happened, including workload and work-style factors."""
    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), unique=True)
    causes: Mapped[list]  # [{"category": ..., "text": ...}]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))
    incident: Mapped[Incident] = relationship(back_populates="review")


class PreventionAction(Base):
    __tablename__ = "prevention_actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(100))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(16))  # open, in_progress, done
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
    done_at: Mapped[datetime | None]
    incident: Mapped[Incident] = relationship(back_populates="actions")


class EmployeeMeasure(Base):
    """A measure toward the employee, with who decided it and when."""
    __tablename__ = "employee_measures"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    kind: Mapped[str] = mapped_column(String(24))  # cost_claim, damages_claim, disciplinary, reprimand, written_report
    details: Mapped[dict]
    notes: Mapped[list]  # the legal warnings shown when it was recorded
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime]
    incident: Mapped[Incident] = relationship(back_populates="measures")


class ConsoleUser(Base):
    """A person who may sign in to the console, with one role."""
    __tablename__ = "console_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))  # viewer, responder, privacy_officer, admin
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)


class OutboxMessage(OutboxColumns, Base):
    """incident's outbox (the shape is shared by every service)."""
