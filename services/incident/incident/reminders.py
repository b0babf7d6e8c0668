"""Deadline reminders: once per lead time before each open deadline, then once when it is missed.

The unique key on ``reminders`` (incident, duty, kind, due time) makes each reminder go out once even
with several replicas; a deadline that moves (facts changed) gets its own reminders.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contracts import events as ev
from incident import outbox, queries, views
from incident.models import Reminder
from servicekit import correlation


def _kinds(due: datetime, leads: tuple[float, ...], now: datetime) -> list[tuple[str, float | None]]:
    """What is due now for one deadline, most urgent first."""
    if now >= due:
        return [("missed", None)]
    reached = sorted(lead for lead in leads if now >= due - timedelta(hours=lead))
    return [(f"approaching:{lead:g}", lead) for lead in reached]


def send_due(session: Session, leads: tuple[float, ...], now: datetime) -> int:
    """Write the reminders that are due (and their events) and say how many events went into the outbox."""
    sent = 0
    for duty, incident in queries.reminded_duties(session):
        due = duty.due_at
        if due is None or not (kinds := _kinds(due, leads, now)):
            continue
        done = set(session.scalars(select(Reminder.kind).where(
            Reminder.incident_id == incident.id, Reminder.duty_code == duty.code, Reminder.due_at == due)))
        new = [(kind, lead) for kind, lead in kinds if kind not in done]
        if not new:
            continue
        for kind, _ in new:  # a lead passed together with a nearer one is recorded, not announced twice
            session.add(Reminder(incident_id=incident.id, duty_code=duty.code, kind=kind, due_at=due, sent_at=now))
        kind, lead = new[0]
        summary, deadline = views.summary(incident), views.deadline(duty)
        event = (ev.IncidentDeadlineMissed.new(occurred_at=now, incident=summary, deadline=deadline) if lead is None else
                 ev.IncidentDeadlineApproaching.new(occurred_at=now, incident=summary, deadline=deadline, lead_hours=lead))
        with correlation.using(incident.correlation_id):  # the reminder follows the act that opened the incident
            outbox.add(session, event)
        try:
            session.commit()
            sent += 1
        except IntegrityError:  # another replica sent it first
            session.rollback()
    session.commit()
    return sent


def next_wake(session: Session, leads: tuple[float, ...], now: datetime) -> datetime | None:
    """The next moment a reminder falls due (so the loop can sleep until then)."""
    moments = []
    for duty, _ in queries.reminded_duties(session):
        if (due := duty.due_at) is not None:
            moments += [m for m in (due, *(due - timedelta(hours=lead) for lead in leads)) if m > now]
    return min(moments, default=None)
