"""The sender loop: takes due deliveries under a lease and sends them at the configured rate."""
from __future__ import annotations

import logging
import time
import uuid

import eventlet

from notify import delivery as rows
from notify.mailer import build_message
from notify.metrics import ATTEMPTS
from notify.render import Rendered
from servicekit import correlation
from servicekit.clock import utcnow
from servicekit.dependencies import BackgroundLoop

log = logging.getLogger(__name__)


class RateLimit:
    """At most ``rate`` messages a second, evenly spaced (0: no limit)."""

    def __init__(self, rate: float):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            eventlet.sleep(self.next_at - now)
        self.next_at = max(self.next_at, now) + self.interval


class DeliverySender(BackgroundLoop):
    """Sends what is due; a relay that cannot be reached pauses the whole loop with back-off."""
    name, interval_setting = "sender", "sender_poll_interval"

    def setup(self):
        self.owner = f"notify-{uuid.uuid4().hex[:12]}"
        self.outages = 0

    def start(self):
        self.limit = RateLimit(self.store.settings.rate_per_second)
        super().start()
        log.info("delivery sender %s started (%s messages/s)", self.owner, self.store.settings.rate_per_second or "no limit")

    def batch_size(self) -> int:
        """Small enough to finish well inside the lease at the configured rate."""
        s = self.store.settings
        return 100 if not s.rate_per_second else max(1, min(100, int(s.rate_per_second * s.lease_seconds / 2)))

    def tick(self) -> float:
        settings, limit = self.store.settings, self.batch_size()
        with self.session() as session:
            batch = rows.claim(session, self.owner, utcnow(), settings.lease_seconds, limit)
        # a few SMTP transactions in flight at once: each waits mostly on the relay, not on us
        self.outage = False
        list(eventlet.GreenPool(settings.sender_concurrency).imap(self.send_one, batch))
        if self.outage:  # the relay itself is unreachable: give the rest back and pause the loop
            with self.session() as session:
                rows.release(session, self.owner)
            self.outages += 1
            return min(settings.retry_max_seconds, rows.backoff(settings, self.outages))
        self.outages = 0
        if len(batch) >= limit:
            return 0
        with self.session() as session:
            nxt = rows.next_due(session)
            session.commit()
        if nxt is None:
            return settings.sender_poll_interval
        return min(settings.sender_poll_interval, max(0.0, (nxt - utcnow()).total_seconds()) + 0.01)

    def send_one(self, delivery) -> None:
        """Mark sending (committed), one SMTP transaction, record the outcome; each in its own session."""
        settings = self.store.settings
        if self.outage:
            return
        self.limit.wait()
        self.beat()  # a long batch is progress, not a stuck loop
        with self.session() as session, correlation.using(delivery.correlation_id):
            if not rows.mark_sending(session, session.merge(delivery, load=False), self.owner, utcnow(),
                                     settings.lease_seconds):
                return  # the lease ran out and another sender has it now
            delivery = session.get(type(delivery), delivery.id)
            session.commit()
            result = self.store.mailer.send(self.message(delivery))
            status = rows.record(session, settings, delivery, result, utcnow())
            log.info("delivery %d (%s) attempt %d: %s", delivery.id, delivery.template, delivery.attempts, status)
        ATTEMPTS.labels("retry" if status == "pending" else status).inc()
        if status == "failed":
            self.store.outbox_written()
        if not result.accepted and result.code is None:
            self.outage = True

    def message(self, delivery):
        rendered = Rendered(delivery.subject, delivery.body_text, delivery.body_html)
        return build_message(self.store.settings.sender(delivery.language),
                             (delivery.recipient_name, delivery.recipient), rendered, delivery.message_id)

