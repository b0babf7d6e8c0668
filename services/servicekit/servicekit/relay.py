"""The outbox relay: publishes committed outbox rows to ``<source>.events`` with publisher confirms."""
from __future__ import annotations

import logging
import uuid

from kombu.exceptions import KombuError
from nameko.amqp.publish import Publisher
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.standalone.events import get_event_exchange

from servicekit import correlation
from servicekit.clock import utcnow
from servicekit.dependencies import BackgroundLoop, Store
from servicekit.metrics import EVENTS_PUBLISHED
from servicekit.outbox import Outbox

log = logging.getLogger(__name__)


class OutboxRelay(BackgroundLoop):
    """Publishes ``outbox`` rows as ``source``'s events (the nameko service name); a row is marked sent after the confirm."""
    batch = 100
    name, interval_setting = "relay", "outbox_poll_interval"

    def __init__(self, store: Store, source: str, outbox: Outbox):
        super().__init__(store)
        self.source, self.outbox = source, outbox

    def setup(self):
        self.owner = f"{self.source}-{uuid.uuid4().hex[:12]}"
        self.publisher = Publisher(self.container.config[AMQP_URI_CONFIG_KEY], use_confirms=True)
        self.exchange = get_event_exchange(self.source, self.container.config)
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
            batch = self.outbox.claim(session, self.owner, utcnow(), settings.outbox_lease_seconds, self.batch)
            try:
                for message in batch:
                    self.publish(message)
                    self.outbox.mark_sent(session, message.id, utcnow())
                    EVENTS_PUBLISHED.labels(self.source, message.event_type).inc()
            except (KombuError, OSError) as exc:
                self.failures += 1
                log.warning("broker unavailable, %d event(s) wait in the outbox: %s",
                            self.outbox.pending_count(session), type(exc).__name__)
                self.outbox.release(session, self.owner)
                return min(30.0, 0.5 * 2 ** self.failures)
        self.failures = 0
        # a full batch means more may be waiting: go again at once
        return 0 if len(batch) >= self.batch else settings.outbox_poll_interval

    def publish(self, message) -> None:
        """One event; its correlation id goes in the header nameko reads into a consumer's context data."""
        headers = {"event_id": message.event_id}
        if message.correlation_id:
            headers[correlation.HEADER] = message.correlation_id
        self.publisher.publish(
            message.payload, exchange=self.exchange, routing_key=message.event_type,
            declare=[self.exchange], message_id=message.event_id, headers=headers, retry=False)
