"""Use cases that keep the ledger (register, update and retire assets and employees, bind cards), and the
look-ups the cabinet's use cases fetch their facts with."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts import answers, events
from contracts.cards import is_card_hash
from contracts.errors import CustodyRefusal
from custody import audit, domain, outbox, views
from custody.models import Asset, Custody, Employee
from custody.schemas import AssetInput, EmployeeInput, parse

_ASSET_FIELDS = tuple(AssetInput.model_fields)
OPEN = (Custody.returned_at.is_(None),)


def open_custody(session: Session, asset_id: int) -> Custody | None:
    return session.scalar(select(Custody).where(Custody.asset_id == asset_id, *OPEN))


def held_count(session: Session, employee_id: int) -> int:
    """How many checkouts the employee has open."""
    return session.scalar(select(func.count()).select_from(Custody).where(Custody.employee_id == employee_id, *OPEN))


def find_asset(session: Session, tag: str, lock: bool = False) -> Asset | None:
    """The asset by tag; lock=True holds its row until commit, so acts on one asset go one at a time."""
    query = select(Asset).where(Asset.tag == str(tag).strip().upper())
    return session.scalar(query.with_for_update() if lock else query)


def get_asset(session: Session, tag: str, lock: bool = False) -> Asset:
    """The asset by tag, or ``asset_unknown``."""
    asset = find_asset(session, tag, lock)
    if asset is None:
        raise CustodyRefusal("asset_unknown", {"tag": tag})
    return asset


def employee_by_card(session: Session, card_hash: str | None) -> Employee | None:
    """The employee holding this card, active or not (the rules decide what that means)."""
    if not is_card_hash(card_hash):
        return None
    return session.scalar(select(Employee).where(Employee.card_hash == card_hash))


def get_employee(session: Session, number: str) -> Employee:
    employee = session.scalar(select(Employee).where(Employee.employee_number == number))
    if employee is None:
        raise CustodyRefusal("employee_unknown", {"employee_number": number})
    return employee


def _asset_event(cls, asset: Asset, now: datetime) -> events.Event:
    return cls.new(occurred_at=now, asset=views.features(asset),
                   data_inventory=views.inventory(asset), protection=views.protection(asset))


def add_asset(session: Session, data: AssetInput, actor: str, now: datetime) -> Asset:
    """Add a validated asset in the caller's transaction (RPC and CSV import share this)."""
    if session.scalar(select(Asset.id).where(Asset.tag == data.tag)) is not None:
        raise CustodyRefusal("already_exists", {"what": "asset", "key": data.tag})
    asset = Asset(**data.model_dump(), status="available")
    session.add(asset)
    session.flush()
    audit.append(session, now, actor, "asset_registered", "asset", asset.tag, data.model_dump(mode="json"))
    outbox.add(session, _asset_event(events.AssetRegistered, asset, now))
    return asset


def register_asset(session: Session, data: dict, actor: str, now: datetime) -> answers.Asset:
    asset = add_asset(session, parse(AssetInput, data), actor, now)
    session.commit()
    return views.asset(asset)


def update_asset(session: Session, tag: str, changes: dict, actor: str, now: datetime) -> answers.Asset:
    """Change fields of an asset (not its tag); the audit entry records old and new values."""
    asset = get_asset(session, tag)
    if "tag" in changes and str(changes["tag"]).upper() != asset.tag:
        raise CustodyRefusal("invalid_input", {"field": "tag", "problem": "a tag cannot change; retire and register",
                                               "problem_ja": "備品番号は変えられません。廃棄して登録し直してください"})
    current = {name: getattr(asset, name) for name in _ASSET_FIELDS}
    checked = parse(AssetInput, current | changes).model_dump()
    diff = {k: [current[k], checked[k]] for k in _ASSET_FIELDS if checked[k] != current[k]}
    for name, (_, new) in diff.items():
        setattr(asset, name, new)
    if diff:
        audit.append(session, now, actor, "asset_updated", "asset", asset.tag, {"changes": diff})
        outbox.add(session, _asset_event(events.AssetUpdated, asset, now))
    session.commit()
    return views.asset(asset)


def retire_asset(session: Session, policy: domain.Policy, tag: str, reason: str, actor: str,
                 now: datetime) -> answers.Asset:
    """Take an asset out of service; one that is out must be returned first (the refusal names its holder)."""
    asset = get_asset(session, tag, lock=True)
    if asset.status in domain.OUT_STATUSES:
        domain.check_asset_available(asset, open_custody(session, asset.id), policy)
    if asset.status != "retired":
        asset.status = "retired"
        audit.append(session, now, actor, "asset_retired", "asset", asset.tag, {"reason": reason})
        outbox.add(session, events.AssetRetired.new(occurred_at=now, tag=asset.tag, reason=reason))
    session.commit()
    return views.asset(asset)


def _resolve_manager(session: Session, number: str | None, self_number: str) -> Employee | None:
    if not number:
        return None
    if number == self_number:
        raise CustodyRefusal("invalid_input", {"field": "manager_number", "problem": "cannot be oneself",
                                               "problem_ja": "本人を上司にはできません"})
    return get_employee(session, number)


def _employee_event(cls, employee: Employee, now: datetime) -> events.Event:
    return cls.new(occurred_at=now, employee=views.person(employee), active=employee.active,
                   manager_number=employee.manager.employee_number if employee.manager else None)


def add_employee(session: Session, data: EmployeeInput, actor: str, now: datetime) -> Employee:
    """Add a validated employee in the caller's transaction."""
    if session.scalar(select(Employee.id).where(Employee.employee_number == data.employee_number)):
        raise CustodyRefusal("already_exists", {"what": "employee", "key": data.employee_number})
    fields = data.model_dump(exclude={"manager_number"})
    employee = Employee(**fields, manager=_resolve_manager(session, data.manager_number, data.employee_number))
    session.add(employee)
    session.flush()
    audit.append(session, now, actor, "employee_registered", "employee", employee.employee_number,
                 data.model_dump(mode="json"))
    outbox.add(session, _employee_event(events.EmployeeRegistered, employee, now))
    return employee


def register_employee(session: Session, data: dict, actor: str, now: datetime) -> answers.Employee:
    employee = add_employee(session, parse(EmployeeInput, data), actor, now)
    session.commit()
    return views.employee(employee)


def update_employee(session: Session, number: str, changes: dict, actor: str, now: datetime) -> answers.Employee:
    """Change an employee's details, manager, training date or active flag."""
    employee = get_employee(session, number)
    current = views.wire(views.employee(employee))
    current = {k: current[k] for k in EmployeeInput.model_fields}
    checked = parse(EmployeeInput, current | changes)
    if checked.employee_number != employee.employee_number:
        raise CustodyRefusal("invalid_input", {"field": "employee_number", "problem": "cannot change",
                                               "problem_ja": "変えられません"})
    new = checked.model_dump(mode="json")
    diff = {k: [current[k], new[k]] for k in new if new[k] != current[k]}
    for name in diff:
        if name == "manager_number":
            employee.manager = _resolve_manager(session, checked.manager_number, number)
        else:
            setattr(employee, name, getattr(checked, name))
    if diff:
        audit.append(session, now, actor, "employee_updated", "employee", number, {"changes": diff})
        outbox.add(session, _employee_event(events.EmployeeUpdated, employee, now))
    session.commit()
    return views.employee(employee)


def retire_employee(session: Session, number: str, reason: str, actor: str, now: datetime) -> answers.RetiredEmployee:
    """An employee leaves or may no longer take assets out; what they still hold is named in the answer
    (it stays on their name, and its due time still counts)."""
    employee = get_employee(session, number)
    if employee.active:
        employee.active = False
        audit.append(session, now, actor, "employee_retired", "employee", number, {"reason": reason})
        outbox.add(session, _employee_event(events.EmployeeUpdated, employee, now))
    holding = session.scalars(select(Asset.tag).join(Custody, Custody.asset_id == Asset.id)
                              .where(Custody.employee_id == employee.id, *OPEN).order_by(Asset.tag)).all()
    session.commit()
    return views.retired_employee(employee, list(holding))


def bind_card(session: Session, number: str, card_hash: str, actor: str, now: datetime) -> answers.Employee:
    """Bind a card (by its keyed hash) to an employee, replacing any earlier card."""
    if not is_card_hash(card_hash):
        raise CustodyRefusal("invalid_input", {"field": "card_hash", "problem": "must be the 64-hex keyed hash, never a raw UID",
                                               "problem_ja": "UIDではなく鍵付きハッシュ（16進64桁）を渡してください"})
    employee = get_employee(session, number)
    other = session.scalar(select(Employee).where(Employee.card_hash == card_hash))
    if other is not None and other.id != employee.id:
        raise CustodyRefusal("card_in_use")
    employee.card_hash = card_hash
    audit.append(session, now, actor, "card_bound", "employee", number, {})
    outbox.add(session, events.CardBound.new(occurred_at=now, employee_number=number))
    session.commit()
    return views.employee(employee)

