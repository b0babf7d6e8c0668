"""Read-only views of the delivery log: per-request progress, filtered listings, health figures."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from notify.models import Delivery
from notify.outbox import OUTBOX
from notify.plan import notice_key

STATUSES = ("pending", "sending", "sent", "failed")
MAX_LIMIT = 1000


def _counts(session: Session, *where) -> dict:
    found = dict(session.execute(select(Delivery.status, func.count()).where(*where).group_by(Delivery.status)).all())
    return {status: found.get(status, 0) for status in STATUSES}


def progress(session: Session, request_id: str) -> dict:
    """How far one customer notice request got: sent, failed, pending (including in flight)."""
    counts = _counts(session, Delivery.source_key == notice_key(request_id))
    session.commit()
    return {"request_id": request_id, "total": sum(counts.values()), "sent": counts["sent"],
            "failed": counts["failed"], "pending": counts["pending"] + counts["sending"]}


def entry(d: Delivery) -> dict:
    return {"delivery_id": d.id, "recipient": d.recipient, "template": d.template, "language": d.language,
            "status": d.status, "attempts": d.attempts, "smtp_response": d.smtp_response,
            "message_id": f"<{d.message_id}>", "event_type": d.event_type, "source_event_id": d.source_event_id,
            "request_id": d.request_id, "incident_reference": d.incident_reference, "in_doubt": d.in_doubt,
            "next_attempt_at": d.next_attempt_at.isoformat(), "updated_at": d.updated_at.isoformat()}


def delivery_log(session: Session, status: str | None = None, template: str | None = None,
                 request_id: str | None = None, incident: str | None = None, limit: int = 100) -> list[dict]:
    """The newest deliveries first, filtered; each with recipient, template, status, attempts and SMTP response."""
    query = select(Delivery).order_by(Delivery.id.desc()).limit(max(1, min(int(limit), MAX_LIMIT)))
    for column, value in ((Delivery.status, status), (Delivery.template, template),
                          (Delivery.request_id, request_id), (Delivery.incident_reference, incident)):
        if value:
            query = query.where(column == value)
    out = [entry(d) for d in session.scalars(query)]
    session.commit()
    return out


def health(session: Session, now: datetime) -> dict:
    """Liveness plus what ops watch: the backlog, failures, events waiting in the outbox."""
    counts = _counts(session)
    oldest = session.scalar(select(func.min(Delivery.next_attempt_at)).where(Delivery.status == "pending"))
    waiting = OUTBOX.pending_count(session)
    session.commit()
    return {**counts, "outbox_pending": waiting,
            "oldest_pending_seconds": round(max(0.0, (now - oldest).total_seconds()), 1) if oldest else 0.0}
