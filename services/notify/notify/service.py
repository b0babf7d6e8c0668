"""The notify nameko service: event handlers and RPCs over intake, the sender loop and the delivery log."""
from __future__ import annotations

import logging
import uuid

from nameko.events import event_handler
from nameko.rpc import rpc
from pydantic import ValidationError

from contracts.events import CUSTODY, INCIDENT, NOTIFY, CustomerNoticeRequested, parse_event
from notify import intake, queries
from notify.dependencies import STORE, DeadLetters
from notify.exceptions import NoticeRefused, RenderError
from notify.outbox import OUTBOX
from notify.metrics import FIGURES
from notify.sender import DeliverySender
from servicekit.clock import utcnow
from servicekit.service import Service

log = logging.getLogger(__name__)
POISON = (KeyError, ValidationError, RenderError, TypeError)


def handles(source: str, event_type: str):
    """Shared pool (one copy per event across replicas); an unexpected error (database down) requeues."""
    return event_handler(source, event_type, requeue_on_error=True)


class NotifyService(Service, store=STORE, outbox=OUTBOX, figures=FIGURES):
    """E-mails about possible losses, incidents and customer notices, each sent once."""
    name = NOTIFY
    dead_letters = DeadLetters(STORE)
    sender = DeliverySender(STORE)

    def _take(self, source: str, event_type: str, body) -> None:
        try:
            event = parse_event(event_type, body)
            intake.take(self.db, self.config.settings, event, utcnow())
        except POISON as exc:  # cannot be parsed or rendered: park it, ack it, keep the queue moving
            self.db.rollback()
            self.dead_letters(source, event_type, body, str(exc), exc)

    @handles(CUSTODY, "possible_loss_detected")
    def handle_possible_loss_detected(self, body):
        """The holder is asked to return an asset past its due time, or to report it lost."""
        self._take(CUSTODY, "possible_loss_detected", body)

    @handles(CUSTODY, "asset_recovered")
    def handle_asset_recovered(self, body):
        """Holder, manager, privacy officer and security team hear that an overdue or lost asset is back."""
        self._take(CUSTODY, "asset_recovered", body)

    @handles(INCIDENT, "incident_opened")
    def handle_incident_opened(self, body):
        """The holder's manager, the privacy officer and the security team hear of a new incident."""
        self._take(INCIDENT, "incident_opened", body)

    @handles(INCIDENT, "incident_deadline_approaching")
    def handle_incident_deadline_approaching(self, body):
        """Privacy officer and security team are reminded of a legal deadline."""
        self._take(INCIDENT, "incident_deadline_approaching", body)

    @handles(INCIDENT, "incident_deadline_missed")
    def handle_incident_deadline_missed(self, body):
        """Privacy officer and security team hear that a legal deadline passed."""
        self._take(INCIDENT, "incident_deadline_missed", body)

    @handles(INCIDENT, "incident_closed")
    def handle_incident_closed(self, body):
        """Privacy officer and security team hear that an incident was closed."""
        self._take(INCIDENT, "incident_closed", body)

    @handles(INCIDENT, "customer_notice_requested")
    def handle_customer_notice_requested(self, body):
        """Customers get the requested notice, once per request id and address."""
        self._take(INCIDENT, "customer_notice_requested", body)

    @rpc(expected_exceptions=(NoticeRefused,))
    def request_customer_notice(self, request: dict) -> dict:
        """The same as the event, answered: counts added / already known / refused; idempotent on request_id."""
        body = {"event_id": str(uuid.uuid4()), "occurred_at": utcnow().isoformat(), **request}
        try:
            event = CustomerNoticeRequested.model_validate(body)
            done = intake.take(self.db, self.config.settings, event, utcnow())
        except ValidationError as exc:
            raise NoticeRefused("依頼の形式が正しくありません", f"the request is not valid: {exc.error_count()} problem(s): "
                                + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])) from None
        except RenderError as exc:
            raise NoticeRefused(f"テンプレートを作成できません（変数 {exc.variable}）", str(exc)) from None
        return {"request_id": event.request_id, **done.to_dict()}

    @rpc
    def notice_progress(self, request_id: str) -> dict:
        """How many of a request's messages are sent, failed and still pending."""
        return queries.progress(self.db, request_id)

    @rpc
    def delivery_log(self, status: str | None = None, template: str | None = None, request_id: str | None = None,
                     incident: str | None = None, limit: int = 100) -> list[dict]:
        """Deliveries, newest first: recipient, template, status, attempts, last SMTP response."""
        return queries.delivery_log(self.db, status, template, request_id, incident, limit)

    @rpc
    def health(self) -> dict:
        """Ready or not and why (database, broker, each loop's last run), and the backlog: pending, sending,
        sent, failed, outbox waiting."""
        return self.ops.health(lambda: queries.health(self.db, utcnow()))
