"""The lists the service, the console and the reminder loop read: each built once, here."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from incident.domain import CLOSED, REMINDED
from incident.models import DutyState, Incident


def incidents(session: Session, include_closed: bool = True, asset: str | None = None) -> list[Incident]:
    """Open before closed, the nearest open deadline first (none last), then the newest; ``asset``: only the
    incidents about the asset with this tag."""
    query = select(Incident).order_by(Incident.status == CLOSED, Incident.next_due_at.is_(None), Incident.next_due_at,
                                      Incident.id.desc())
    if not include_closed:
        query = query.where(Incident.status != CLOSED)
    if asset:
        query = query.where(Incident.asset["tag"].as_string() == asset)
    return list(session.scalars(query))


def newest_live_for_asset(session: Session, tag: str) -> Incident | None:
    """The asset's newest incident that is not closed (what a link made before its reference was known means)."""
    return session.scalar(select(Incident).where(Incident.status != CLOSED, Incident.asset["tag"].as_string() == tag)
                          .order_by(Incident.id.desc()).limit(1))


def for_asset(session: Session, tag: str, statuses: tuple[str, ...]) -> list[Incident]:
    """The incidents in these statuses about the asset with this tag."""
    found = session.scalars(select(Incident).where(Incident.status.in_(statuses))).all()
    return [i for i in found if (i.asset or {}).get("tag") == tag]


def reminded_duties(session: Session) -> list[tuple[DutyState, Incident]]:
    """Required duties not yet done, of incidents that are still reminded about."""
    return list(session.execute(
        select(DutyState, Incident).join(Incident, DutyState.incident_id == Incident.id)
        .where(Incident.status.in_(REMINDED), DutyState.required.is_(True), DutyState.done_at.is_(None),
               Incident.next_due_at.is_not(None))).tuples().all())
