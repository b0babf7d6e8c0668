"""incident's own background loop: deadline reminders (the outbox relay is servicekit's)."""
from __future__ import annotations

import logging

from incident import reminders
from servicekit.clock import utcnow
from servicekit.dependencies import BackgroundLoop

log = logging.getLogger(__name__)


class ReminderLoop(BackgroundLoop):
    """Wakes when the next reminder falls due (at most every ``reminder_interval`` seconds)."""
    name, interval_setting = "reminders", "reminder_interval"

    def tick(self) -> float:
        settings = self.store.settings
        now = utcnow()
        with self.session() as session:
            sent = reminders.send_due(session, settings.reminder_lead_hours, now)
            if sent:
                log.info("deadline reminders: %d sent", sent)
                self.store.outbox_written()
            nxt = reminders.next_wake(session, settings.reminder_lead_hours, now)
            session.commit()
        if nxt is None:
            return settings.reminder_interval
        return min(settings.reminder_interval, max(0.0, (nxt - utcnow()).total_seconds()) + 0.01)
