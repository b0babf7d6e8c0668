"""incident's figures for Prometheus, read from its database at scrape time (servicekit.metrics has
the shared ones: RPCs, refusals by reason, events handled and published, loop rounds, the outbox)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from incident.domain import CLOSED, CONFIRMED, RECOVERED, SUSPECTED
from incident.models import DutyState, Incident
from servicekit.metrics import Figures, gauge

STATUSES = (SUSPECTED, CONFIRMED, RECOVERED, CLOSED)
DUTY_STATES = ("open", "overdue", "done")


class IncidentFigures(Figures):
    def gauges(self, session: Session, now: datetime):
        found = dict(session.execute(select(Incident.status, func.count()).group_by(Incident.status)).all())
        yield gauge("incident_incidents", "Incidents by status",
                    samples=[({"status": s}, found.get(s, 0)) for s in STATUSES])
        duties = session.scalars(select(DutyState).join(Incident, DutyState.incident_id == Incident.id)
                                 .where(Incident.status != CLOSED, DutyState.required.is_(True))).all()
        states = {state: 0 for state in DUTY_STATES}
        nearest: dict[str, float] = {}
        for duty in duties:
            due = duty.due_at
            if duty.done_at is not None:
                states["done"] += 1
                continue
            states["overdue" if due is not None and due <= now else "open"] += 1
            if due is not None:
                left = (due - now).total_seconds()
                nearest[duty.code] = min(left, nearest.get(duty.code, left))
        yield gauge("incident_duties", "Required legal duties of incidents not closed: open, overdue (deadline "
                    "passed, not done), done", samples=[({"state": s}, n) for s, n in states.items()])
        yield gauge("incident_next_deadline_seconds", "Seconds to the nearest deadline of a required duty not yet "
                    "done, by duty (negative: missed)", samples=[({"duty": code}, left) for code, left in nearest.items()])


FIGURES = IncidentFigures()
