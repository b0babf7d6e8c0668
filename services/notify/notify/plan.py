"""Who gets which e-mail for an event: pure rules, no nameko, database or SMTP here."""
from __future__ import annotations

from dataclasses import dataclass, field

from contracts import events as ev
from notify.render import variables_for_possible_loss
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


def _once(addresses) -> list[str]:
    """Each address once (case-insensitively), in the order given."""
    seen, out = set(), []
    for address in addresses:
        if address.lower() not in seen:
            seen.add(address.lower())
            out.append(address)
    return out


def _possible_loss(event: ev.PossibleLossDetected, settings: Settings) -> list[Planned]:
    variables = variables_for_possible_loss(event, settings.security_contact)
    # the holder and the manager in their own language (from the ledger); the security team in staff_language
    holder = Planned(event.event_id, "possible_loss_holder", event.holder.language,
                     event.holder.email, event.holder.name, variables)
    # the manager's template is addressed to the manager and the security team alike
    people = {event.manager.email: event.manager} if event.manager else {}
    others = _once([event.holder.email, *people, *settings.security_team])[1:]
    return [holder] + [Planned(event.event_id, "possible_loss_manager",
                               people[address].language if address in people else settings.staff_language, address,
                               people[address].name if address in people else "", variables) for address in others]


def _incident(event: ev.IncidentEvent, settings: Settings) -> list[Planned]:
    variables = {k: v for k, v in event.model_dump().items() if k not in ("event_id", "version")}
    return [Planned(event.event_id, event.event_type, settings.staff_language, address, "", variables,
                    incident_reference=event.incident.reference)
            for address in _once(settings.privacy_officer + settings.security_team)]


def _notice(event: ev.CustomerNoticeRequested) -> list[Planned]:
    out = []
    first = {}
    for person in event.recipients:  # one copy per address, even if listed twice
        first.setdefault(person.email.lower(), person)
    for person in first.values():
        variables = {**event.variables, **person.variables, "name": person.name,
                     "incident_reference": event.incident_reference}
        out.append(Planned(notice_key(event.request_id), event.template, person.language, person.email,
                           person.name, variables, request_id=event.request_id,
                           incident_reference=event.incident_reference))
    return out


def plan(event: ev.Event, settings: Settings) -> list[Planned]:
    """Every e-mail an event calls for; an event notify does not write about gives none."""
    if isinstance(event, ev.PossibleLossDetected):
        return _possible_loss(event, settings)
    if isinstance(event, ev.CustomerNoticeRequested):
        return _notice(event)
    if isinstance(event, (ev.IncidentOpened, ev.IncidentDeadlineApproaching, ev.IncidentDeadlineMissed,
                          ev.IncidentClosed)):
        return _incident(event, settings)
    return []
