"""The overdue sweep's steps: find what passed its due time, flag it once, queue possible_loss_detected."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

import logging

from contracts import events
from custody import audit, outbox, views
from custody.models import Custody
from servicekit import correlation

OPEN_NOT_OVERDUE = (Custody.returned_at.is_(None), Custody.overdue_at.is_(None))
log = logging.getLogger(__name__)


def overdue_candidates(session: Session, now: datetime, limit: int) -> list[int]:
    return list(session.scalars(select(Custody.id).where(*OPEN_NOT_OVERDUE, Custody.due_at <= now)
                                .order_by(Custody.due_at).limit(limit)))


def next_due(session: Session) -> datetime | None:
    return session.scalar(select(func.min(Custody.due_at)).where(*OPEN_NOT_OVERDUE))


def mark_overdue(session: Session, custody_id: int, now: datetime) -> bool:
    """Flag one checkout overdue and queue possible_loss_detected, once however many sweepers race."""
    won = session.execute(update(Custody).where(Custody.id == custody_id, *OPEN_NOT_OVERDUE)
                          .values(overdue_at=now)).rowcount == 1
    if not won:
        session.rollback()
        return False
    record = session.get(Custody, custody_id)
    asset, holder = record.asset, record.employee
    if asset.status == "checked_out":
        asset.status = "overdue"
    audit.append(session, now, "system:sweep", "possible_loss_detected", "asset", asset.tag,
                 {"custody_id": record.id, "due_at": record.due_at.isoformat()})
    with correlation.using(record.correlation_id):  # the event follows the checkout it is about
        outbox.add(session, events.PossibleLossDetected.new(
            occurred_at=now, asset=views.features(asset), data_inventory=views.inventory(asset),
            protection=views.protection(asset), holder=views.person(holder),
            manager=views.person(holder.manager), checkout=views.checkout_facts(record), detected_at=now))
        session.commit()
        log.info("possible loss: checkout %d of %s passed its due time", record.id, asset.tag)
    return True
