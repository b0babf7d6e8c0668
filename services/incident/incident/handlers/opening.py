"""Opening: an incident from custody's possible loss or from a person's report; custody's news about the asset."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contracts import events as ev
from contracts.answers import Asset, EmployeeWithManager
from incident import domain, outbox, queries, schemas, texts, views
from incident.handlers.common import note, recompute, updated
from incident.models import Incident
from incident.roles import SYSTEM, Actor

log = logging.getLogger(__name__)
LedgerLookup = Callable[[str], Asset | None]  # custody's get_asset(tag), or None (see incident.ledger)
EmployeeLookup = Callable[[str], EmployeeWithManager | None]  # custody's get_employee(number), or None


def _title(origin: str, asset: dict | None) -> str:
    """The event contract's ``title``, in both languages for the readers that still show it whole; the console
    and the summary's ``title_ja`` / ``title_en`` say it in one (``incident.texts.title``)."""
    return f"{texts.title(origin, asset, 'ja')} / {texts.title(origin, asset, 'en')}"


def _new_incident(session: Session, prefix: str, now: datetime, origin: str, **fields) -> Incident:
    incident = Incident(reference=f"tmp-{uuid.uuid4().hex[:12]}", status=domain.OPENED_AS[origin], origin=origin,
                        opened_at=now, facts={}, **fields)
    session.add(incident)
    session.flush()
    incident.reference = f"{prefix}-{now.year}-{incident.id:04d}"
    return incident


def open_from_possible_loss(session: Session, prefix: str, event: ev.PossibleLossDetected, now: datetime) -> Incident:
    """One incident per loss: a redelivered event (same event_id) finds the incident it opened."""
    existing = session.scalar(select(Incident).where(Incident.source_event_id == event.event_id))
    if existing is not None:
        return existing
    asset, checkout = event.asset, event.checkout
    try:
        incident = _new_incident(
            session, prefix, now, "possible_loss", source_event_id=event.event_id,
            title=_title("possible_loss", asset.model_dump()), asset=asset.model_dump(mode="json"),
            holder=event.holder.model_dump(mode="json"),
            manager=event.manager.model_dump(mode="json") if event.manager else None,
            checkout=checkout.model_dump(mode="json"), ledger_inventory=event.data_inventory.model_dump(mode="json"),
            protection=event.protection.model_dump(mode="json"), aware_at=event.detected_at, opened_by="system")
        note(session, incident, SYSTEM, now, code="checked_out", params={"kiosk": checkout.kiosk_id},
             at=checkout.checked_out_at, place=checkout.kiosk_id)
        note(session, incident, SYSTEM, now, code="not_returned", at=checkout.due_at)
        note(session, incident, SYSTEM, now, code="opened_possible_loss", at=event.detected_at)
        recompute(session, incident, now)
        outbox.add(session, ev.IncidentOpened.new(occurred_at=now, incident=views.summary(incident),
                                                  origin="possible_loss", source_event_id=event.event_id,
                                                  **views.opening(incident)))
        session.commit()
    except IntegrityError:  # another replica opened it from the same delivery at the same moment
        session.rollback()
        return session.scalar(select(Incident).where(Incident.source_event_id == event.event_id))
    log.info("incident %s opened from possible loss event %s", incident.reference, event.event_id)
    return incident


def _people(form: schemas.LossReported, find_employee: EmployeeLookup | None) -> tuple[dict | None, dict | None]:
    """The holder and their manager. With an employee number the ledger gives the department and the manager, and
    the name and e-mail where the reporter left them blank; what the reporter typed is kept."""
    known = find_employee(form.holder_number) if form.holder_number and find_employee else None
    holder = {"employee_number": form.holder_number, "name": form.holder_name, "email": form.holder_email}
    if known:
        holder |= {"name": form.holder_name or known.name, "email": form.holder_email or known.email,
                   "department": known.department, "language": known.language}
    if not all(holder[k] for k in ("employee_number", "name", "email")):
        return None, None
    manager = known.manager if known else None
    return ev.Person.model_validate(holder).model_dump(mode="json"), manager.model_dump(mode="json") if manager else None


def report_loss(session: Session, prefix: str, actor: Actor, data: dict, now: datetime,
                lookup: LedgerLookup, find_employee: EmployeeLookup | None = None) -> Incident:
    """A person reports a loss directly, for an asset in the ledger or not.

    The role and the form are checked before ``lookup`` asks custody (once) for the tag, and ``find_employee`` for
    the holder's employee number. For a ledger asset the ledger's features, inventory and protection come first;
    what the reporter adds to the inventory is kept too.
    """
    actor.require("report_loss")
    form = schemas.parse(schemas.LossReported, data)
    domain.require_past([("aware_at", form.aware_at)], now)
    asset = {"tag": form.asset_tag.upper(), "kind": form.kind, "model_number": form.model_number,
             "serial_number": form.serial_number, "description": form.description}
    inventory = ev.DataInventory(categories=tuple(form.categories), customer_ids=tuple(form.customer_ids),
                                 approx_persons=form.approx_persons, eu_data_subjects=form.eu_data_subjects)
    protection = ev.Protection(encryption=form.encryption, cipher=form.cipher,
                               key_stored_separately=form.key_stored_separately)
    ledger = lookup(form.asset_tag) if form.asset_tag else None
    if ledger:
        asset = ledger.features().model_dump()
        inventory = domain.with_reported(ledger.data_inventory, inventory)
        protection = ledger.protection
    holder, manager = _people(form, find_employee)
    incident = _new_incident(
        session, prefix, now, "reported", source_event_id=None, title=_title("reported", asset),
        asset=asset, holder=holder, manager=manager, checkout=None, ledger_inventory=inventory.model_dump(mode="json"),
        protection=protection.model_dump(mode="json"), aware_at=form.aware_at or now, opened_by=actor.name)
    note(session, incident, actor, now, code="loss_reported", params={"description": form.description,
                                                                      "from_ledger": bool(ledger)}, kind="fact")
    recompute(session, incident, now, actor)
    outbox.add(session, ev.IncidentOpened.new(occurred_at=now, incident=views.summary(incident), origin="reported",
                                              **views.opening(incident)))
    session.commit()
    return incident


def asset_recovered(session: Session, event: ev.AssetRecovered, now: datetime) -> list[Incident]:
    """The asset came back: its live incidents become *recovered*; the team decides whether to close."""
    found = queries.for_asset(session, event.tag, domain.moved_from("recovered"))
    who = event.returned_by.name if event.returned_by else ""
    for incident in found:
        incident.status, incident.recovered_at = domain.moved(incident.status, "recovered"), event.recovered_at
        note(session, incident, SYSTEM, now, code="recovered", params={"kiosk": event.kiosk_id, "returned_by": who},
             at=event.recovered_at, place=event.kiosk_id)
        updated(session, incident, now, "recovered")
    session.commit()
    return found


def asset_marked_lost(session: Session, event: ev.AssetMarkedLost, now: datetime) -> list[Incident]:
    """The ledger now says lost: a suspected incident for that asset is confirmed."""
    found = queries.for_asset(session, event.tag, domain.moved_from("marked_lost"))
    for incident in found:
        incident.status = domain.moved(incident.status, "marked_lost")
        note(session, incident, SYSTEM, now, code="marked_lost", params={"because": event.reason}, at=event.occurred_at)
        updated(session, incident, now, "status", "marked lost")
    session.commit()
    return found
