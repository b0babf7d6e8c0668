"""The incident nameko service: custody's events open and update incidents; thin RPCs over the use cases."""
from __future__ import annotations

import logging
from functools import partial
from typing import Callable

from nameko.events import event_handler
from nameko.rpc import rpc
from pydantic import ValidationError

import contracts.rpc  # noqa: F401  (refusals reach RPC callers as IncidentRefusal)
from contracts.errors import IncidentRefusal
from contracts.events import CUSTODY, INCIDENT, Event, parse_event
from incident import outbox, ppc, queries, views
from incident.dependencies import STORE
from incident.handlers import closing, common, opening, reporting
from incident.ledger import employee, lookup
from incident.loops import ReminderLoop
from incident.metrics import FIGURES
from incident.outbox import OUTBOX
from incident.roles import Actor
from servicekit.clock import utcnow
from servicekit.service import Service

log = logging.getLogger(__name__)
refusals = rpc(expected_exceptions=(IncidentRefusal,))


def _event(event_type: str, body: dict) -> Event:
    try:
        return parse_event(event_type, body)
    except ValidationError as exc:  # the body is never logged: it holds names
        log.error("%s %s could not be read: %d problem(s)", event_type, body.get("event_id"), exc.error_count())
        raise


class IncidentService(Service, store=STORE, outbox=OUTBOX, figures=FIGURES):
    """From possible loss to a complete loss report, the legal duties and their deadlines, prevention, measures."""
    name = INCIDENT
    reminders = ReminderLoop(STORE)

    @event_handler(CUSTODY, "possible_loss_detected")
    def handle_possible_loss_detected(self, body: dict) -> None:
        """An asset passed its due time: open a suspected incident (once per occurrence)."""
        event = _event("possible_loss_detected", body)
        opening.open_from_possible_loss(self.db, self.config.settings.reference_prefix, event, utcnow())

    @event_handler(CUSTODY, "asset_recovered")
    def handle_asset_recovered(self, body: dict) -> None:
        """The asset came back: its live incidents become recovered."""
        opening.asset_recovered(self.db, _event("asset_recovered", body), utcnow())

    @event_handler(CUSTODY, "asset_marked_lost")
    def handle_asset_marked_lost(self, body: dict) -> None:
        """The ledger says lost: a suspected incident for the asset is confirmed."""
        opening.asset_marked_lost(self.db, _event("asset_marked_lost", body), utcnow())

    def _file(self, incident: str | int) -> dict:
        return views.detail(common.get(self.db, incident), self.config.settings.tz)

    def _change(self, use_case: Callable, actor: dict, incident: str | int, *args) -> dict:
        """Run one use case on an incident as this actor, and answer with the whole file."""
        use_case(self.db, Actor.of(actor), incident, *args, now=utcnow())
        return self._file(incident)

    @refusals
    def report_loss(self, actor: dict, report: dict) -> dict:
        """A loss reported by a person (asset in the ledger or not); a ledger asset starts from custody's data."""
        amqp_uri = self.config.container.config["AMQP_URI"]
        incident = opening.report_loss(self.db, self.config.settings.reference_prefix, Actor.of(actor), report,
                                       utcnow(), partial(lookup, amqp_uri), partial(employee, amqp_uri))
        return views.detail(incident, self.config.settings.tz)

    @refusals
    def get_incident(self, actor: dict, incident: str | int) -> dict:
        """The whole file of one incident, by id or reference."""
        Actor.of(actor).require("view")
        return self._file(incident)

    @refusals
    def list_incidents(self, actor: dict, include_closed: bool = False) -> list[dict]:
        """The incidents as the console lists them: open first, the nearest deadline first, none last."""
        Actor.of(actor).require("view")
        return [views.summary(i).model_dump(mode="json") for i in queries.incidents(self.db, include_closed)]

    @refusals
    def submit_report(self, actor: dict, incident: str | int, report: dict) -> dict:
        """A new version of the loss report."""
        return self._change(reporting.submit_report, actor, incident, report)

    @refusals
    def add_timeline(self, actor: dict, incident: str | int, entry: dict) -> dict:
        """A fact for the timeline, or a correction that supersedes an entry."""
        return self._change(reporting.add_timeline, actor, incident, entry)

    @refusals
    def set_facts(self, actor: dict, incident: str | int, facts: dict) -> dict:
        """The judgement calls behind the duties; the duties are assessed again."""
        return self._change(reporting.set_facts, actor, incident, facts)

    @refusals
    def mark_duty_done(self, actor: dict, incident: str | int, code: str, note: str = "") -> dict:
        """A legal duty fulfilled, with a note."""
        return self._change(reporting.mark_duty_done, actor, incident, code, note)

    @refusals
    def record_review(self, actor: dict, incident: str | int, review: dict) -> dict:
        """The causes of the loss, workload and work style among them."""
        return self._change(closing.record_review, actor, incident, review)

    @refusals
    def add_action(self, actor: dict, incident: str | int, action: dict) -> dict:
        """A prevention action with owner and due date; the answer carries its ``action_id``."""
        created = closing.add_action(self.db, Actor.of(actor), incident, action, now=utcnow())
        return {"action_id": created.id} | self._file(incident)

    @refusals
    def update_action(self, actor: dict, incident: str | int, action_id: int, status: str) -> dict:
        """A prevention action moved to open, in progress or done."""
        return self._change(closing.update_action, actor, incident, action_id, status)

    @refusals
    def record_measure(self, actor: dict, incident: str | int, measure: dict) -> dict:
        """A measure toward the employee, within what labour law allows."""
        return self._change(closing.record_measure, actor, incident, measure)

    @refusals
    def close(self, actor: dict, incident: str | int, resolution: str, reason: str, override_reason: str = "") -> dict:
        """Close as "no_leak" or "resolved"; with open actions only an admin, with a reason."""
        return self._change(closing.close, actor, incident, resolution, reason, override_reason)

    @refusals
    def ppc_report(self, actor: dict, incident: str | int, fmt: str = "markdown") -> str:
        """The draft report to the PPC (nine items), as Markdown or HTML."""
        Actor.of(actor).require("ppc_report")
        if fmt not in ("markdown", "html"):
            raise IncidentRefusal("invalid_input", {"field": "fmt", "problem": "markdown or html",
                                                    "problem_ja": "markdown か html"})
        return ppc.render(common.get(self.db, incident), fmt, self.config.settings.tz)

    @rpc
    def health(self) -> dict:
        """Ready or not and why (database, broker, each loop's last run), with the events not yet published."""
        return self.ops.health(lambda: {"outbox_pending": outbox.pending_count(self.db)})
