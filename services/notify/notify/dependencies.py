"""notify's nameko dependencies: the store (settings and mailer) and the dead-letter queue."""
from __future__ import annotations

import json
import logging

from kombu import Exchange, Queue
from nameko.amqp.publish import Publisher
from nameko.constants import AMQP_URI_CONFIG_KEY

import servicekit.dependencies as kit
from notify import settings
from notify.mailer import Mailer
from notify.metrics import DEAD_LETTERS
from servicekit.clock import utcnow

log = logging.getLogger(__name__)


class Store(kit.Store):
    """notify's settings (the NOTIFY section) and the mailer made from them."""

    def setup(self):
        super().setup()
        smtp = self.settings.smtp
        self.mailer = Mailer(smtp.host, smtp.port, smtp.security, smtp.username or None,
                             smtp.password.get_secret_value() or None, smtp.timeout, ca_file=smtp.ca_file)


STORE = Store(settings.from_config)


class DeadLetters(kit.StoreUser):
    """Publishes poison events to a durable queue, the reason in the headers (publisher confirms)."""

    def start(self):  # after every setup(): the store's settings are loaded by then
        name = self.store.settings.dead_letter_queue
        self.exchange = Exchange(name, type="fanout", durable=True)
        self.queue = Queue(name, exchange=self.exchange, durable=True)
        self.publisher = Publisher(self.container.config[AMQP_URI_CONFIG_KEY], use_confirms=True)

    def get_dependency(self, worker_ctx):
        return self.send

    def send(self, source: str, event_type: str, body, reason: str, error: Exception) -> None:
        """Park one message; the caller acks the original only after this returns."""
        event_id = body.get("event_id", "") if isinstance(body, dict) else ""
        self.publisher.publish(
            json.dumps(body, default=str), exchange=self.exchange, declare=[self.exchange, self.queue],
            content_type="application/json", routing_key=event_type, retry=True,
            headers={"x-reason": reason[:2000], "x-error": type(error).__name__, "x-event-type": event_type,
                     "x-source-service": source, "x-event-id": str(event_id),
                     "x-dead-lettered-at": utcnow().isoformat()})
        DEAD_LETTERS.labels(event_type).inc()
        # the reason can quote the payload (names, addresses): the log keeps only what identifies it
        log.warning("poison %s event %s (%s) moved to %s", event_type, event_id or "?", type(error).__name__,
                    self.store.settings.dead_letter_queue)
