"""custody's figures for Prometheus (servicekit.metrics has the shared ones: RPCs, refusals by reason,
events published, loop rounds, the outbox)."""
from __future__ import annotations

from datetime import datetime

from prometheus_client import Counter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from custody.ledger import OPEN
from custody.models import Custody
from servicekit.metrics import Figures, gauge

CHECKOUTS = Counter("custody_checkouts_total", "Checkouts recorded (a replayed request id is not counted again)")
RETURNS = Counter("custody_returns_total", "Returns recorded; recovered=true for an overdue or lost asset",
                  ["recovered"])
OVERDUE = Counter("custody_overdue_detected_total", "Checkouts the sweeper found past their due time "
                  "(each a possible_loss_detected)")


class CustodyFigures(Figures):
    def answered(self, method: str, answer) -> None:
        if method == "checkout" and not answer.get("replayed"):
            CHECKOUTS.inc()
        elif method == "return_asset" and not answer.get("replayed"):
            RETURNS.labels("true" if answer.get("recovered") else "false").inc()

    def gauges(self, session: Session, now: datetime):
        count = lambda *where: session.scalar(select(func.count()).select_from(Custody).where(*where))  # noqa: E731
        yield gauge("custody_checked_out", "Assets out of the cabinet now", count(*OPEN))
        yield gauge("custody_overdue", "Assets out and past their due time now", count(*OPEN, Custody.overdue_at.is_not(None)))


FIGURES = CustodyFigures()
