"""What every stage's use cases share: find the incident, write the timeline, reassess the duties, say "updated"."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import events as ev
from contracts.errors import IncidentRefusal
from incident import domain, outbox, views
from incident.models import DutyState, Incident, TimelineEntry
from incident.roles import SYSTEM, Actor


def get(session: Session, incident_id: int | str) -> Incident:
    """By id or by reference (INC-2026-0007)."""
    key = str(incident_id).strip()
    query = select(Incident).where(Incident.id == int(key)) if key.isdigit() else \
        select(Incident).where(Incident.reference == key.upper())
    incident = session.scalar(query)
    if incident is None:
        raise IncidentRefusal("incident_unknown", {"incident": key})
    return incident


def live(session: Session, incident_id: int | str) -> Incident:
    """The incident, refused once it is closed."""
    incident = get(session, incident_id)
    domain.require_live(incident.status, incident.reference)
    return incident


def note(session: Session, incident: Incident, actor: Actor, now: datetime, text: str = "", *, code: str | None = None,
         params: dict | None = None, at: datetime | None = None, kind: str = "system", place: str = "",
         supersedes: int | None = None) -> TimelineEntry:
    """A timeline entry: ``at`` when it happened (default now), recorded now by the actor. What a person typed is
    ``text``; what the service says is a ``code`` of ``incident.texts.timeline`` with its ``params``."""
    entry = TimelineEntry(incident=incident, at=at or now, recorded_at=now, recorded_by=actor.name, kind=kind,
                          place=place, text=text, code=code, params=params, supersedes_id=supersedes)
    session.add(entry)
    return entry


def updated(session: Session, incident: Incident, now: datetime, change: str, detail: str = "") -> None:
    """The ``incident_updated`` event, in the same transaction as the change."""
    session.flush()
    outbox.add(session, ev.IncidentUpdated.new(occurred_at=now, incident=views.summary(incident),
                                               change=change, detail=detail))


def refresh_next_due(incident: Incident) -> None:
    """Keep the nearest open deadline on the incident (the list and the reminders sort by it)."""
    nearest = views.open_duties(incident)
    incident.next_due_at = nearest[0].due_at if nearest else None


def recompute(session: Session, incident: Incident, now: datetime, actor: Actor = SYSTEM) -> bool:
    """Assess the duties again from the current facts; say on the timeline what changed."""
    assessment = views.assessment(incident)
    current = {d.code: d for d in incident.duties}
    changes = []
    for duty in assessment.duties:
        row = current.get(duty.code)
        if row is None:
            row = DutyState(incident=incident, code=duty.code, reasons=[], required=False)
            session.add(row)
        before = (row.required, row.target_at, row.limit_at)
        row.law, row.title_ja, row.title_en = duty.law, duty.title_ja, duty.title_en
        row.required, row.target_at, row.limit_at, row.reasons = duty.required, duty.target_at, duty.limit_at, \
            [reason.as_dict() for reason in duty.reasons]
        if before != (row.required, row.target_at, row.limit_at) and (before[0] or row.required):
            changes.append({"duty": duty.code, "required": duty.required,
                            "due_at": duty.due_at.isoformat() if duty.due_at else None})
    session.flush()
    refresh_next_due(incident)
    if changes:
        note(session, incident, actor, now, code="duties_recomputed", params={"changes": changes})
    return bool(changes)
