"""notify's figures for Prometheus (servicekit.metrics has the shared ones: RPCs, events handled and
published, loop rounds, the outbox)."""
from __future__ import annotations

from datetime import datetime

from prometheus_client import Counter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from notify.models import Delivery
from notify.queries import STATUSES
from servicekit.metrics import Figures, gauge

# one SMTP attempt's outcome: sent (250), retry (temporary: 4xx, connection), failed (given up)
ATTEMPTS = Counter("notify_emails_total", "SMTP attempts by outcome: sent, retry (kept for later), failed (given up)",
                   ["outcome"])
DEAD_LETTERS = Counter("notify_dead_letters_total", "Events that could not be read or rendered, parked in the "
                       "dead-letter queue", ["event_type"])


class NotifyFigures(Figures):
    def gauges(self, session: Session, now: datetime):
        found = dict(session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())
        yield gauge("notify_deliveries", "E-mails by status: pending, sending, sent, failed",
                    samples=[({"status": s}, found.get(s, 0)) for s in STATUSES])
        yield gauge("notify_deliveries_in_doubt", "E-mails a crash left between the SMTP server's answer and the "
                    "commit, so resent with the same Message-ID", session.scalar(
                        select(func.count()).select_from(Delivery).where(Delivery.in_doubt.is_(True))))
        oldest = session.scalar(select(func.min(Delivery.created_at)).where(Delivery.status.in_(("pending", "sending"))))
        yield gauge("notify_oldest_waiting_seconds", "Age of the oldest e-mail not yet sent or given up (0: none)",
                    max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)


FIGURES = NotifyFigures()
