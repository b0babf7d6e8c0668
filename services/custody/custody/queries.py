"""Read-only views of the ledger: an asset's history, what is out, health figures."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts import answers
from custody import outbox, views
from custody.ledger import OPEN, get_asset
from custody.models import Custody


def asset_with_history(session: Session, tag: str, limit: int = 50) -> answers.AssetWithHistory:
    asset = get_asset(session, tag)
    history = session.scalars(select(Custody).where(Custody.asset_id == asset.id)
                              .order_by(Custody.checked_out_at.desc()).limit(limit))
    return views.asset_with_history(asset, list(history))


def list_open(session: Session, overdue_only: bool = False) -> list[answers.CustodyRecord]:
    query = select(Custody).where(*OPEN).order_by(Custody.due_at)
    if overdue_only:
        query = query.where(Custody.overdue_at.is_not(None))
    return [views.record(r) for r in session.scalars(query)]


def health(session: Session, now: datetime) -> dict:
    """The figures the health answer adds to readiness: the outbox backlog and its age, what is out and overdue."""
    pending, oldest = outbox.OUTBOX.backlog(session, now)
    count = lambda *where: session.scalar(select(func.count()).select_from(Custody).where(*where))  # noqa: E731
    return {"database": session.get_bind().dialect.name, "outbox_pending": pending,
            "outbox_oldest_pending_seconds": oldest, "checked_out": count(*OPEN),
            "overdue": count(*OPEN, Custody.overdue_at.is_not(None))}
