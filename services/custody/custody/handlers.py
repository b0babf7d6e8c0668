"""Use cases at the cabinet: greet a card, preview a scan, checkout, return; and marking an asset lost.

Each fetches the facts (custody.ledger), lets custody.domain decide, then records the outcome."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contracts import answers, events
from contracts.errors import CustodyRefusal
from custody import audit, domain, ledger, outbox, views
from custody.models import Custody


def card_holder(session: Session, card_hash: str) -> answers.Employee:
    """The active employee holding this card (the kiosk greets them), or why not."""
    employee = ledger.employee_by_card(session, card_hash)
    domain.check_employee(employee)
    return views.employee(employee)


def _checkout_facts(session: Session, now: datetime, occurred_at: datetime | None, card_hash: str | None,
                    scan: domain.Scan, asset, requested_due: datetime | None) -> domain.CheckoutFacts:
    employee = ledger.employee_by_card(session, card_hash) if card_hash else None
    return domain.CheckoutFacts(
        now=now, occurred_at=occurred_at, card_given=bool(card_hash), employee=employee, scan=scan, asset=asset,
        open_custody=ledger.open_custody(session, asset.id) if asset is not None else None,
        held=ledger.held_count(session, employee.id) if employee is not None else 0, requested_due=requested_due)


def preview_scan(session: Session, policy: domain.Policy, label_key: bytes, now: datetime, *,
                 card_hash: str | None = None, label: str | None = None,
                 tag: str | None = None) -> answers.ReturnPreview | answers.CheckoutPreview:
    """What scanning this label means now: a return (it is out) or a checkout (with its due time), or a refusal."""
    scan = domain.read_scan(label, tag, label_key)
    asset = domain.scanned_asset(scan, ledger.find_asset(session, scan.tag) if scan.tag else None)
    record = ledger.open_custody(session, asset.id)
    if domain.is_out(asset, record):
        return views.return_preview(asset, record)
    facts = _checkout_facts(session, now, None, card_hash, scan, asset, None)
    return views.checkout_preview(asset, domain.decide_checkout(facts, policy).due_at, facts.employee)


def _checkout_done(session: Session, request_id: str | None) -> answers.CheckoutDone | None:
    done = request_id and session.scalar(select(Custody).where(Custody.checkout_request_id == request_id))
    return views.checkout_done(done, replayed=True) if done else None


def _return_done(session: Session, request_id: str | None) -> answers.ReturnDone | None:
    done = request_id and session.scalar(select(Custody).where(Custody.return_request_id == request_id))
    return views.return_done(done, done.asset, done.overdue_at is not None, replayed=True) if done else None


def checkout(session: Session, policy: domain.Policy, label_key: bytes, now: datetime, *,
             card_hash: str, kiosk_id: str, label: str | None = None, tag: str | None = None,
             due_at: datetime | None = None, purpose: str = "", request_id: str | None = None,
             occurred_at: datetime | None = None) -> answers.CheckoutDone:
    """Hand an asset to the employee holding the card, or refuse with the reason; a repeated request_id is a no-op."""
    if (done := _checkout_done(session, request_id)) is not None:
        return done
    scan = domain.read_scan(label, tag, label_key)
    asset = ledger.find_asset(session, scan.tag) if scan.tag else None
    facts = _checkout_facts(session, now, occurred_at, card_hash, scan, asset, due_at)
    try:
        decision = domain.decide_checkout(facts, policy)
    except CustodyRefusal as refusal:  # "already out" may be this very request, committed a moment ago
        if refusal.code == "asset_already_out" and (done := _checkout_done(session, request_id)) is not None:
            return done
        raise
    employee = facts.employee
    record = Custody(asset=asset, employee=employee, checked_out_at=decision.at, checkout_kiosk_id=kiosk_id,
                     due_at=decision.due_at, purpose=purpose[:500], checkout_request_id=request_id or None)
    session.add(record)
    asset.status = "checked_out"
    try:
        session.flush()
    except IntegrityError:  # another kiosk took it in the same instant, or this very request arrived twice at once
        session.rollback()
        if (done := _checkout_done(session, request_id)) is not None:
            return done
        asset = ledger.get_asset(session, asset.tag)
        domain.check_asset_available(asset, ledger.open_custody(session, asset.id), policy)
        raise
    audit.append(session, decision.at, employee.employee_number, "asset_checked_out", "asset", asset.tag,
                 {"custody_id": record.id, "kiosk_id": kiosk_id, "due_at": decision.due_at.isoformat()})
    outbox.add(session, events.AssetCheckedOut.new(
        occurred_at=decision.at, asset=views.features(asset), holder=views.person(employee),
        checkout=views.checkout_facts(record)))
    session.commit()
    return views.checkout_done(record, replayed=False)


def return_asset(session: Session, label_key: bytes, now: datetime, *, kiosk_id: str,
                 label: str | None = None, tag: str | None = None, card_hash: str | None = None,
                 request_id: str | None = None,
                 occurred_at: datetime | None = None) -> answers.ReturnDone | answers.LostAssetReturned:
    """Close the open checkout; a return by someone else, or of an overdue asset, is recorded as such."""
    if (done := _return_done(session, request_id)) is not None:
        return done
    scan = domain.read_scan(label, tag, label_key)
    asset = ledger.find_asset(session, scan.tag, lock=True) if scan.tag else None
    if (done := _return_done(session, request_id)) is not None:  # the same request, finished while we waited
        return done
    record = ledger.open_custody(session, asset.id) if asset is not None else None
    card = ledger.employee_by_card(session, card_hash) if card_hash else None
    decision = domain.decide_return(now, occurred_at, scan, asset, record, card)
    at, returner = decision.at, decision.returned_by
    asset.status = decision.status
    actor = returner.employee_number if returner else f"kiosk:{kiosk_id}"
    if record is not None:
        record.returned_at, record.returned_by, record.return_kiosk_id = at, returner, kiosk_id
        record.return_request_id = request_id or None
        by_other = returner is None or returner.id != record.employee_id
        audit.append(session, at, actor, "asset_returned", "asset", asset.tag,
                     {"custody_id": record.id, "kiosk_id": kiosk_id, "by_other": by_other})
        outbox.add(session, events.AssetReturned.new(
            occurred_at=at, tag=asset.tag, custody_id=record.id, holder=views.person(record.employee),
            returned_by=views.person(returner), returned_by_other=by_other, returned_at=at,
            kiosk_id=kiosk_id, was_overdue=record.overdue_at is not None))
    if decision.recovered:
        audit.append(session, at, actor, "asset_recovered", "asset", asset.tag, {"kiosk_id": kiosk_id})
        holder = record.employee if record else None
        outbox.add(session, events.AssetRecovered.new(
            occurred_at=at, tag=asset.tag, custody_id=record.id if record else None, recovered_at=at,
            returned_by=views.person(returner), kiosk_id=kiosk_id, holder=views.person(holder),
            manager=views.person(holder.manager if holder else None)))
    session.commit()
    return views.return_done(record, asset, decision.recovered, replayed=False)


def mark_lost(session: Session, tag: str, reason: str, actor: str, now: datetime) -> answers.Asset:
    """Record an asset as lost (an incident confirmed it); only a return brings it back."""
    asset = ledger.get_asset(session, tag)
    if asset.status == "retired":
        raise CustodyRefusal("asset_retired", {"tag": asset.tag})
    if asset.status != "lost":
        record = ledger.open_custody(session, asset.id)
        asset.status = "lost"
        audit.append(session, now, actor, "asset_marked_lost", "asset", asset.tag, {"reason": reason})
        outbox.add(session, events.AssetMarkedLost.new(
            occurred_at=now, tag=asset.tag, custody_id=record.id if record else None, reason=reason))
    session.commit()
    return views.asset(asset)
