"""The two background loops: publish the outbox, and sweep for overdue checkouts."""
from __future__ import annotations

import logging
import uuid

from kombu.exceptions import KombuError
from nameko.amqp.publish import Publisher
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.standalone.events import get_event_exchange

from contracts.events import CUSTODY
from custody import outbox, sweep
from custody.clock import utcnow
from custody.dependencies import BackgroundLoop

log = logging.getLogger(__name__)


class OutboxRelay(BackgroundLoop):
    """Publishes committed outbox rows to ``custody.events`` with publisher confirms, then marks them sent."""

    def setup(self):
        self.owner = f"custody-{uuid.uuid4().hex[:12]}"
        self.publisher = Publisher(self.container.config[AMQP_URI_CONFIG_KEY], use_confirms=True)
        self.exchange = get_event_exchange(CUSTODY, self.container.config)
        self.failures = 0

    def start(self):
        self.store.on_outbox_written = self.wake  # after every setup(), so nothing overwrites it
        super().start()
        log.info("outbox relay %s started%s", self.owner,
                 " (PAUSED: events wait in the outbox)" if self.store.settings.outbox_paused else "")

    def tick(self) -> float:
        settings = self.store.settings
        if settings.outbox_paused:  # ops switch, e.g. while the broker is being moved
            return settings.outbox_poll_interval
        with self.session() as session:
            batch = outbox.claim(session, self.owner, utcnow(), settings.outbox_lease_seconds)
            try:
                for message in batch:
                    self.publish(message)
                    outbox.mark_sent(session, message.id, utcnow())
            except (KombuError, OSError) as exc:
                self.failures += 1
                log.warning("broker unavailable, %d event(s) wait in the outbox: %s",
                            outbox.pending_count(session), type(exc).__name__)
                outbox.release(session, self.owner)
                return min(30.0, 0.5 * 2 ** self.failures)
        self.failures = 0
        # a full batch means more may be waiting: go again at once
        return 0 if len(batch) >= 100 else settings.outbox_poll_interval

    def publish(self, message) -> None:
        self.publisher.publish(
            message.payload, exchange=self.exchange, routing_key=message.event_type,
            declare=[self.exchange], message_id=message.event_id,
            headers={"event_id": message.event_id}, retry=False)


class OverdueSweeper(BackgroundLoop):
    """Wakes at the earliest due time (or every few seconds) and flags what has passed it."""
    batch = 200

    def tick(self) -> float:
        now = utcnow()
        with self.session() as session:
            candidates = sweep.overdue_candidates(session, now, self.batch)
            session.commit()
            flagged = sum(sweep.mark_overdue(session, cid, now) for cid in candidates)
            if flagged:
                log.info("possible loss: %d checkout(s) passed their due time", flagged)
                self.store.outbox_written()
            nxt = sweep.next_due(session)
            session.commit()
        if len(candidates) >= self.batch:
            return 0
        limit = self.store.settings.sweep_max_interval
        if nxt is None:
            return limit
        return min(limit, max(0.0, (nxt - utcnow()).total_seconds()) + 0.01)
