"""Use cases at the cabinet: checkout, return, the overdue sweep, loss, and what is out."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contracts import events
from contracts.errors import CustodyRefusal
from contracts.labels import LabelError, problem_params, valid_tag, verify_payload
from custody import audit, domain, outbox, views
from custody.ledger import OPEN, employee_by_card, get_asset, open_custody
from custody.models import Asset, Custody, Employee

OPEN_NOT_OVERDUE = (Custody.returned_at.is_(None), Custody.overdue_at.is_(None))


def resolve_tag(label: str | None, tag: str | None, label_key: bytes) -> str:
    """The tag from a scanned label (signature checked) or from a tag typed by hand."""
    if label:
        try:
            return verify_payload(label, label_key)
        except LabelError as exc:
            raise CustodyRefusal("label_invalid", problem_params(exc.problem)) from None
    typed = (tag or "").strip().upper()
    if not valid_tag(typed):
        raise CustodyRefusal("label_invalid", problem_params("no label or tag given" if not typed else "malformed tag"))
    return typed


def _may_take(session: Session, policy: domain.Policy, label_key: bytes, now: datetime, card_hash: str | None,
              label: str | None, tag: str | None, due_at: datetime | None) -> tuple[Employee, Asset, datetime]:
    """Every checkout rule, in the order a person at the cabinet should hear about them."""
    if not card_hash:
        raise CustodyRefusal("card_required")
    employee = employee_by_card(session, card_hash)
    asset = get_asset(session, resolve_tag(label, tag, label_key))
    domain.check_asset_available(asset, open_custody(session, asset.id), policy)
    held = session.scalar(select(func.count()).select_from(Custody).where(Custody.employee_id == employee.id, *OPEN))
    domain.check_may_take(employee, asset, held, policy, now)
    return employee, asset, domain.due_time(asset.kind, policy, now, due_at)


def preview_scan(session: Session, policy: domain.Policy, label_key: bytes, now: datetime, *,
                 card_hash: str | None = None, label: str | None = None, tag: str | None = None) -> dict:
    """What scanning this label means now: a return (it is out) or a checkout (with its due time), or a refusal."""
    asset = get_asset(session, resolve_tag(label, tag, label_key))
    record = open_custody(session, asset.id)
    if record is not None or asset.status == "lost":
        holder = views.person(record.employee).model_dump(mode="json") if record else None
        return {"action": "return", "asset": views.asset_dict(asset), "holder": holder}
    employee, asset, due = _may_take(session, policy, label_key, now, card_hash, None, asset.tag, None)
    return {"action": "checkout", "asset": views.asset_dict(asset), "due_at": due.isoformat(),
            "employee": views.employee_dict(employee)}


def _checkout_done(session: Session, request_id: str | None) -> dict | None:
    done = request_id and session.scalar(select(Custody).where(Custody.checkout_request_id == request_id))
    return views.custody_dict(done) | {"asset": views.asset_dict(done.asset), "replayed": True} if done else None


def _return_done(session: Session, request_id: str | None) -> dict | None:
    done = request_id and session.scalar(select(Custody).where(Custody.return_request_id == request_id))
    return (views.custody_dict(done) | {"recovered": done.overdue_at is not None, "asset": views.asset_dict(done.asset),
                                        "replayed": True}) if done else None


def checkout(session: Session, policy: domain.Policy, label_key: bytes, now: datetime, *,
             card_hash: str, kiosk_id: str, label: str | None = None, tag: str | None = None,
             due_at: datetime | None = None, purpose: str = "", request_id: str | None = None) -> dict:
    """Hand an asset to the employee holding the card, or refuse with the reason; a repeated request_id is a no-op."""
    if (done := _checkout_done(session, request_id)) is not None:
        return done
    try:
        employee, asset, due = _may_take(session, policy, label_key, now, card_hash, label, tag, due_at)
    except CustodyRefusal as refusal:  # "already out" may be this very request, committed a moment ago
        if refusal.code == "asset_already_out" and (done := _checkout_done(session, request_id)) is not None:
            return done
        raise
    record = Custody(asset=asset, employee=employee, checked_out_at=now, checkout_kiosk_id=kiosk_id,
                     due_at=due, purpose=purpose[:500], checkout_request_id=request_id or None)
    session.add(record)
    asset.status = "checked_out"
    try:
        session.flush()
    except IntegrityError:  # another kiosk took it in the same instant, or this very request arrived twice at once
        session.rollback()
        if (done := _checkout_done(session, request_id)) is not None:
            return done
        asset = get_asset(session, asset.tag)
        domain.check_asset_available(asset, open_custody(session, asset.id), policy)
        raise
    audit.append(session, now, employee.employee_number, "asset_checked_out", "asset", asset.tag,
                 {"custody_id": record.id, "kiosk_id": kiosk_id, "due_at": due.isoformat()})
    outbox.add(session, events.AssetCheckedOut.new(
        occurred_at=now, asset=views.features(asset), holder=views.person(employee),
        checkout=views.checkout_facts(record)))
    session.commit()
    return views.custody_dict(record) | {"asset": views.asset_dict(asset), "replayed": False}


def _returner(session: Session, card_hash: str | None) -> Employee | None:
    # a return is never refused for an unknown card: bringing the asset back always counts
    if not card_hash:
        return None
    try:
        return employee_by_card(session, card_hash)
    except CustodyRefusal:
        return None


def return_asset(session: Session, label_key: bytes, now: datetime, *, kiosk_id: str,
                 label: str | None = None, tag: str | None = None, card_hash: str | None = None,
                 request_id: str | None = None) -> dict:
    """Close the open checkout; a return by someone else, or of an overdue asset, is recorded as such."""
    if (done := _return_done(session, request_id)) is not None:
        return done
    asset = get_asset(session, resolve_tag(label, tag, label_key), lock=True)
    if (done := _return_done(session, request_id)) is not None:  # the same request, finished while we waited
        return done
    record = open_custody(session, asset.id)
    if record is None and asset.status != "lost":
        raise CustodyRefusal("asset_not_out", {"tag": asset.tag})
    returner = _returner(session, card_hash)
    asset.status, recovered = domain.next_status_after_return(asset.status)
    actor = returner.employee_number if returner else f"kiosk:{kiosk_id}"
    if record is not None:
        record.returned_at, record.returned_by, record.return_kiosk_id = now, returner, kiosk_id
        record.return_request_id = request_id or None
        by_other = returner is None or returner.id != record.employee_id
        audit.append(session, now, actor, "asset_returned", "asset", asset.tag,
                     {"custody_id": record.id, "kiosk_id": kiosk_id, "by_other": by_other})
        outbox.add(session, events.AssetReturned.new(
            occurred_at=now, tag=asset.tag, custody_id=record.id, holder=views.person(record.employee),
            returned_by=views.person(returner), returned_by_other=by_other, returned_at=now,
            kiosk_id=kiosk_id, was_overdue=record.overdue_at is not None))
    if recovered:
        audit.append(session, now, actor, "asset_recovered", "asset", asset.tag, {"kiosk_id": kiosk_id})
        holder = record.employee if record else None
        outbox.add(session, events.AssetRecovered.new(
            occurred_at=now, tag=asset.tag, custody_id=record.id if record else None, recovered_at=now,
            returned_by=views.person(returner), kiosk_id=kiosk_id, holder=views.person(holder),
            manager=views.person(holder.manager if holder else None)))
    session.commit()
    answer = views.custody_dict(record) if record is not None else {"custody_id": None, "tag": asset.tag}
    return answer | {"recovered": recovered, "asset": views.asset_dict(asset), "replayed": False}


def mark_lost(session: Session, tag: str, reason: str, actor: str, now: datetime) -> dict:
    """Record an asset as lost (an incident confirmed it); only a return brings it back."""
    asset = get_asset(session, tag)
    if asset.status == "retired":
        raise CustodyRefusal("asset_retired", {"tag": asset.tag})
    if asset.status != "lost":
        record = open_custody(session, asset.id)
        asset.status = "lost"
        audit.append(session, now, actor, "asset_marked_lost", "asset", asset.tag, {"reason": reason})
        outbox.add(session, events.AssetMarkedLost.new(
            occurred_at=now, tag=asset.tag, custody_id=record.id if record else None, reason=reason))
    session.commit()
    return views.asset_dict(asset)
