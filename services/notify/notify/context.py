"""The variables each template gets, taken from an event and the settings (pure: no nameko or database)."""
from __future__ import annotations

from urllib.parse import quote

from contracts import events as ev
from notify.settings import Settings


def common(settings: Settings) -> dict:
    """What every staff and employee e-mail can show: the desk to contact and the console's address."""
    return {"desk": settings.desk.model_dump(), "console_url": settings.console_base_url + "/"}


def incident_url(settings: Settings, reference: str) -> str:
    """The console page of one incident (the reference is the only thing in the address)."""
    return f"{settings.console_base_url}/incidents/{quote(reference, safe='')}"


def possible_loss(event: ev.PossibleLossDetected, settings: Settings) -> dict:
    """The holder's e-mail: the device, its checkout, and whom to call."""
    return {**common(settings), "asset": event.asset.model_dump(), "data": event.data_inventory.model_dump(),
            "holder": event.holder.model_dump(), "checkout": event.checkout.model_dump(),
            "detected_at": event.detected_at}


def incident(event: ev.IncidentEvent, settings: Settings) -> dict:
    """Every field of an incident event, and the link to its page."""
    fields = {k: v for k, v in event.model_dump().items() if k not in ("event_id", "version")}
    return {**common(settings), **fields, "incident_url": incident_url(settings, event.incident.reference)}


def recovered(event: ev.AssetRecovered, settings: Settings, reader: str) -> dict:
    """Who had it, who brought it back, when; ``reader`` is holder, manager or staff."""
    fields = {k: v for k, v in event.model_dump().items() if k not in ("event_id", "version")}
    by_holder = bool(event.returned_by and event.holder
                     and event.returned_by.employee_number == event.holder.employee_number)
    return {**common(settings), **fields, "reader": reader, "by_holder": by_holder}
