"""Who gets which e-mail for an event: pure rules, no nameko, database or SMTP here.

One e-mail per address and event: a person named in the event (holder, manager) is written to in their
own language with the text meant for them, before the teams' addresses; an address listed twice, or a
manager who is also on the security team, gets one copy.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from contracts import events as ev
from notify import context
from notify.settings import Settings


@dataclass(frozen=True)
class Planned:
    """One e-mail to send: its idempotency key is (source_key, email, template)."""
    source_key: str
    template: str
    language: str
    email: str
    name: str
    variables: dict = field(hash=False)
    request_id: str | None = None
    incident_reference: str | None = None


def notice_key(request_id: str) -> str:
    """Customer notices are keyed by request id, so the event and the RPC share one key."""
    return f"notice:{request_id}"


def _first_per_address(planned: list[Planned]) -> list[Planned]:
    """Each address once (case-insensitively), the first planned e-mail for it kept."""
    seen, out = set(), []
    for item in planned:
        if item.email.lower() not in seen:
            seen.add(item.email.lower())
            out.append(item)
    return out


def _staff(settings: Settings, event: ev.Event, template: str, variables: dict,
           reference: str | None = None) -> list[Planned]:
    """The privacy officer and the security team, in the staff language."""
    return [Planned(event.event_id, template, settings.staff_language, address, "", variables,
                    incident_reference=reference) for address in settings.privacy_officer + settings.security_team]


def _person(event: ev.Event, template: str, who: ev.Person | None, variables: dict,
            reference: str | None = None) -> list[Planned]:
    return [Planned(event.event_id, template, who.language, who.email, who.name, variables,
                    incident_reference=reference)] if who else []


def _possible_loss(event: ev.PossibleLossDetected, settings: Settings) -> list[Planned]:
    # the manager and the teams hear of it once the incident is open (a second later), with its number and link
    return _person(event, "possible_loss_holder", event.holder, context.possible_loss(event, settings))


def _incident_opened(event: ev.IncidentOpened, settings: Settings) -> list[Planned]:
    variables, reference = context.incident(event, settings), event.incident.reference
    return (_person(event, "incident_opened_manager", event.incident.manager, variables, reference)
            + _staff(settings, event, "incident_opened", variables, reference))


def _incident(event: ev.IncidentEvent, settings: Settings) -> list[Planned]:
    return _staff(settings, event, event.event_type, context.incident(event, settings), event.incident.reference)


def _recovered(event: ev.AssetRecovered, settings: Settings) -> list[Planned]:
    # the holder too: they had an urgent e-mail, and may not be the one who brought it back
    return (_person(event, "asset_recovered", event.holder, context.recovered(event, settings, "holder"))
            + _person(event, "asset_recovered", event.manager, context.recovered(event, settings, "manager"))
            + _staff(settings, event, "asset_recovered_staff", context.recovered(event, settings, "staff")))


def _notice(event: ev.CustomerNoticeRequested) -> list[Planned]:
    out = []
    for person in event.recipients:
        variables = {**event.variables, **person.variables, "name": person.name,
                     "incident_reference": event.incident_reference}
        out.append(Planned(notice_key(event.request_id), event.template, person.language, person.email,
                           person.name, variables, request_id=event.request_id,
                           incident_reference=event.incident_reference))
    return out


def plan(event: ev.Event, settings: Settings) -> list[Planned]:
    """Every e-mail an event calls for, one per address; an event notify does not write about gives none."""
    if isinstance(event, ev.PossibleLossDetected):
        planned = _possible_loss(event, settings)
    elif isinstance(event, ev.IncidentOpened):
        planned = _incident_opened(event, settings)
    elif isinstance(event, (ev.IncidentDeadlineApproaching, ev.IncidentDeadlineMissed, ev.IncidentClosed)):
        planned = _incident(event, settings)
    elif isinstance(event, ev.AssetRecovered):
        planned = _recovered(event, settings)
    elif isinstance(event, ev.CustomerNoticeRequested):
        planned = _notice(event)
    else:
        planned = []
    return _first_per_address(planned)
