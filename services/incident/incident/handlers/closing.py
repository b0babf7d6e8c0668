"""Toward the close: the review (step 6), prevention actions, measures toward the employee, and the close."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from contracts import events as ev
from contracts.errors import IncidentRefusal
from incident import domain, measures, outbox, schemas, views
from incident.handlers.common import get, live, note, updated
from incident.models import EmployeeMeasure, Incident, PreventionAction, Review
from incident.roles import Actor


def record_review(session: Session, actor: Actor, incident_id, data: dict, *, now: datetime) -> None:
    """Why it happened, by category (workload and work style among them); a new review replaces the last."""
    actor.require("record_review")
    incident = live(session, incident_id)
    review = schemas.parse(schemas.ReviewInput, data)
    causes = [c.model_dump() for c in review.causes]
    if incident.review is None:
        session.add(Review(incident=incident, causes=causes, updated_at=now, updated_by=actor.name))
    else:
        incident.review.causes, incident.review.updated_at, incident.review.updated_by = causes, now, actor.name
    note(session, incident, actor, now, code="review_recorded", params={"causes": causes})
    updated(session, incident, now, "review")
    session.commit()


def add_action(session: Session, actor: Actor, incident_id, data: dict, *, now: datetime) -> PreventionAction:
    """A prevention action with its owner and due date, open."""
    actor.require("add_action")
    incident = live(session, incident_id)
    form = schemas.parse(schemas.ActionInput, data)
    action = PreventionAction(incident=incident, description=form.description, owner=form.owner, due_on=form.due_on,
                              status="open", created_at=now, created_by=actor.name)
    session.add(action)
    note(session, incident, actor, now, code="action_added", params={"description": form.description, "owner": form.owner,
                                                                     "due_on": form.due_on.isoformat()})
    updated(session, incident, now, "review", "prevention action added")
    session.commit()
    return action


def update_action(session: Session, actor: Actor, incident_id, action_id: int, status: str, *,
                  now: datetime) -> None:
    """A prevention action moved to open, in progress or done."""
    actor.require("update_action")
    incident = live(session, incident_id)
    action = next((a for a in incident.actions if a.id == int(action_id)), None)
    if action is None:
        raise IncidentRefusal("entry_unknown", {"what": "prevention action", "what_ja": "再発防止策", "key": action_id})
    domain.require_action_status(status)
    action.status, action.done_at = status, now if status == "done" else None
    note(session, incident, actor, now, code="action_status", params={"description": action.description, "status": status})
    updated(session, incident, now, "review", f"action {action.id} {status}")
    session.commit()


def record_measure(session: Session, actor: Actor, incident_id, data: dict, *, now: datetime) -> EmployeeMeasure:
    """A measure toward the employee, refused where labour law forbids it, kept with its legal notes."""
    actor.require("record_measure")
    incident = get(session, incident_id)  # measures may follow the closing
    form = schemas.parse(schemas.MeasureInput, data)
    notes = measures.check(form)
    measure = EmployeeMeasure(incident=incident, kind=form.kind, details=form.model_dump(mode="json"), notes=notes,
                              decided_by=actor.name, decided_at=now)
    session.add(measure)
    note(session, incident, actor, now, code="measure_recorded", params={"kind": form.kind})
    updated(session, incident, now, "measure", form.kind)
    session.commit()
    return measure


def close(session: Session, actor: Actor, incident_id, resolution: str, reason: str, override_reason: str = "", *,
          now: datetime) -> Incident:
    """Close as "no leak" or "resolved", with a reason (the rules: ``domain.closing``)."""
    actor.require("close")
    incident = live(session, incident_id)
    done = domain.closing(incident.status, resolution, reason, [a.status for a in incident.actions], override_reason,
                          actor)
    if done.overridden:
        note(session, incident, actor, now, code="closed_with_open_actions",
             params={"count": done.overridden, "reason": done.override_reason})
    incident.status, incident.closed_at, incident.closed_by = domain.moved(incident.status, "closed"), now, actor.name
    incident.resolution, incident.close_reason, incident.next_due_at = done.resolution, done.reason, None
    note(session, incident, actor, now, code="closed", params={"resolution": done.resolution, "reason": done.reason})
    session.flush()
    outbox.add(session, ev.IncidentClosed.new(occurred_at=now, incident=views.summary(incident),
                                              resolution=done.resolution, closed_by=actor.name, reason=done.reason))
    session.commit()
    return incident
