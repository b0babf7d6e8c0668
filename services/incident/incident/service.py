"""The incident nameko service: opens incidents from custody's events, and thin RPCs over the use cases."""
from __future__ import annotations

import logging

from nameko.events import event_handler
from nameko.rpc import rpc
from pydantic import ValidationError
from sqlalchemy import nulls_last, select

import contracts.rpc  # noqa: F401  (refusals reach RPC callers as IncidentRefusal)
from contracts.errors import IncidentRefusal
from contracts.events import CUSTODY, INCIDENT, parse_event
from incident import handlers, ppc, views
from incident.dependencies import Config, DbSession
from incident.ledger import lookup
from incident.loops import OutboxRelay, ReminderLoop
from incident.models import Incident
from incident.roles import Actor
from servicekit.clock import utcnow

log = logging.getLogger(__name__)
refusals = rpc(expected_exceptions=(IncidentRefusal,))


class IncidentService:
    """From possible loss to a complete loss report, the legal duties and their deadlines, prevention, measures."""
    name = INCIDENT

    config = Config()
    db = DbSession()
    relay = OutboxRelay()
    reminders = ReminderLoop()

    @event_handler(CUSTODY, "possible_loss_detected")
    def on_possible_loss(self, body: dict) -> None:
        try:
            event = parse_event("possible_loss_detected", body)
        except ValidationError as exc:  # the body is never logged: it holds names
            log.error("possible_loss_detected %s could not be read: %d problem(s)", body.get("event_id"),
                      exc.error_count())
            raise
        handlers.open_from_possible_loss(self.db, self.config.settings.reference_prefix, event, utcnow())

    @event_handler(CUSTODY, "asset_recovered")
    def on_recovered(self, body: dict) -> None:
        handlers.on_recovered(self.db, parse_event("asset_recovered", body), utcnow())

    @event_handler(CUSTODY, "asset_marked_lost")
    def on_marked_lost(self, body: dict) -> None:
        handlers.on_marked_lost(self.db, parse_event("asset_marked_lost", body), utcnow())

    @refusals
    def report_loss(self, actor: dict, report: dict) -> dict:
        """A loss reported by a person (asset in the ledger or not); a ledger asset starts from custody's data."""
        who = Actor.of(actor)
        who.require("report_loss")
        tag = str(report.get("asset_tag") or "").strip() if isinstance(report, dict) else ""
        ledger = lookup(self.config.container.config["AMQP_URI"], tag)
        incident = handlers.report_loss(self.db, self.config.settings.reference_prefix, who, report, utcnow(), ledger)
        return views.detail(incident)

    @refusals
    def get_incident(self, actor: dict, incident: str | int) -> dict:
        Actor.of(actor).require("view")
        return views.detail(handlers.get(self.db, incident))

    @refusals
    def list_incidents(self, actor: dict, include_closed: bool = False) -> list[dict]:
        """Every incident, the nearest open deadline first."""
        Actor.of(actor).require("view")
        query = select(Incident).order_by(nulls_last(Incident.next_due_at.asc()), Incident.id.desc())
        if not include_closed:
            query = query.where(Incident.status != "closed")
        return [views.summary(i).model_dump(mode="json") for i in self.db.scalars(query)]

    @refusals
    def submit_report(self, actor: dict, incident: str | int, report: dict) -> dict:
        handlers.submit_report(self.db, Actor.of(actor), incident, report, utcnow())
        return views.detail(handlers.get(self.db, incident))

    @refusals
    def add_timeline(self, actor: dict, incident: str | int, entry: dict) -> dict:
        handlers.add_timeline(self.db, Actor.of(actor), incident, entry, utcnow())
        return views.detail(handlers.get(self.db, incident))

    @refusals
    def set_facts(self, actor: dict, incident: str | int, facts: dict) -> dict:
        handlers.set_facts(self.db, Actor.of(actor), incident, facts, utcnow())
        return views.detail(handlers.get(self.db, incident))

    @refusals
    def mark_duty_done(self, actor: dict, incident: str | int, code: str, note: str = "") -> dict:
        handlers.mark_duty_done(self.db, Actor.of(actor), incident, code, note, utcnow())
        return views.detail(handlers.get(self.db, incident))

    @refusals
    def record_review(self, actor: dict, incident: str | int, review: dict) -> dict:
        handlers.record_review(self.db, Actor.of(actor), incident, review, utcnow())
        return views.detail(handlers.get(self.db, incident))

    @refusals
    def add_action(self, actor: dict, incident: str | int, action: dict) -> dict:
        created = handlers.add_action(self.db, Actor.of(actor), incident, action, utcnow())
        return {"action_id": created.id} | views.detail(handlers.get(self.db, incident))

    @refusals
    def update_action(self, actor: dict, incident: str | int, action_id: int, status: str) -> dict:
        handlers.update_action(self.db, Actor.of(actor), incident, action_id, status, utcnow())
        return views.detail(handlers.get(self.db, incident))

    @refusals
    def record_measure(self, actor: dict, incident: str | int, measure: dict) -> dict:
        handlers.record_measure(self.db, Actor.of(actor), incident, measure, utcnow())
        return views.detail(handlers.get(self.db, incident))

    @refusals
    def close(self, actor: dict, incident: str | int, resolution: str, reason: str, override_reason: str = "") -> dict:
        handlers.close(self.db, Actor.of(actor), incident, resolution, reason, utcnow(), override_reason)
        return views.detail(handlers.get(self.db, incident))

    @refusals
    def ppc_report(self, actor: dict, incident: str | int, fmt: str = "markdown") -> str:
        """The draft report to the PPC (nine items), as Markdown or HTML."""
        Actor.of(actor).require("ppc_report")
        if fmt not in ("markdown", "html"):
            raise IncidentRefusal("invalid_input", {"field": "fmt", "problem": "markdown or html",
                                                    "problem_ja": "markdown か html"})
        return ppc.render(handlers.get(self.db, incident), fmt, self.config.settings.tz)

    @rpc
    def health(self) -> dict:
        from incident.outbox import pending_count
        return {"service": INCIDENT, "outbox_pending": pending_count(self.db)}
