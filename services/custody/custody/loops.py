"""custody's own background loop: sweep for overdue checkouts (the outbox relay is servicekit's)."""
from __future__ import annotations

from custody import sweep
from custody.metrics import OVERDUE
from servicekit.clock import utcnow
from servicekit.dependencies import BackgroundLoop


class OverdueSweeper(BackgroundLoop):
    """Wakes at the earliest due time (or every few seconds) and flags what has passed it."""
    batch = 200
    name, interval_setting = "sweeper", "sweep_max_interval"

    def tick(self) -> float:
        now = utcnow()
        with self.session() as session:
            candidates = sweep.overdue_candidates(session, now, self.batch)
            session.commit()
            flagged = sum(sweep.mark_overdue(session, cid, now) for cid in candidates)
            if flagged:
                OVERDUE.inc(flagged)
                self.store.outbox_written()
            nxt = sweep.next_due(session)
            session.commit()
        if len(candidates) >= self.batch:
            return 0
        limit = self.store.settings.sweep_max_interval
        if nxt is None:
            return limit
        return min(limit, max(0.0, (nxt - utcnow()).total_seconds()) + 0.01)
