"""Ledger rows as contract objects: event parts (contracts.events) and RPC answers (contracts.answers)."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from contracts import answers
from contracts.events import AssetFeatures, CheckoutFacts, DataInventory, Person, Protection
from custody.models import Asset, Custody, Employee


def features(asset: Asset) -> AssetFeatures:
    return AssetFeatures(tag=asset.tag, kind=asset.kind, model_number=asset.model_number,
                         serial_number=asset.serial_number, colour=asset.colour,
                         description=asset.description, department=asset.department,
                         home_cabinet=asset.home_cabinet)


def inventory(asset: Asset) -> DataInventory:
    return DataInventory(categories=tuple(asset.data_categories), customer_ids=tuple(asset.customer_ids),
                         approx_persons=asset.approx_persons, eu_data_subjects=asset.eu_data_subjects)


def protection(asset: Asset) -> Protection:
    return Protection(encryption=asset.encryption, cipher=asset.cipher,
                      key_stored_separately=asset.key_stored_separately,
                      remote_wipe=asset.remote_wipe, password_lock=asset.password_lock)


def person(employee: Employee | None) -> Person | None:
    if employee is None:
        return None
    return Person(employee_number=employee.employee_number, name=employee.name,
                  email=employee.email, department=employee.department, language=employee.language)


def checkout_facts(record: Custody) -> CheckoutFacts:
    return CheckoutFacts(custody_id=record.id, checked_out_at=record.checked_out_at,
                         kiosk_id=record.checkout_kiosk_id, due_at=record.due_at, purpose=record.purpose)


def wire(answer: BaseModel | list[BaseModel] | None):
    """An answer as it travels over RPC: JSON types only."""
    if isinstance(answer, list):
        return [item.model_dump(mode="json") for item in answer]
    return answer.model_dump(mode="json") if answer is not None else None


def asset(row: Asset) -> answers.Asset:
    return answers.Asset(**dict(features(row)), status=row.status,
                         data_inventory=inventory(row), protection=protection(row))


def asset_with_history(row: Asset, history: list[Custody]) -> answers.AssetWithHistory:
    return answers.AssetWithHistory(**dict(asset(row)), history=tuple(record(r) for r in history))


def employee(row: Employee) -> answers.Employee:
    return answers.Employee(**_employee_fields(row))


def employee_with_manager(row: Employee) -> answers.EmployeeWithManager:
    return answers.EmployeeWithManager(**_employee_fields(row), manager=person(row.manager))


def retired_employee(row: Employee, still_holding: list[str]) -> answers.RetiredEmployee:
    return answers.RetiredEmployee(**_employee_fields(row), still_holding=tuple(still_holding))


def _employee_fields(row: Employee) -> dict:
    return dict(person(row)) | {"manager_number": row.manager.employee_number if row.manager else None,
                                "training_completed_at": row.training_completed_at, "active": row.active,
                                "card_bound": row.card_hash is not None}


def record(row: Custody) -> answers.CustodyRecord:
    return answers.CustodyRecord(**_record_fields(row))


def _record_fields(row: Custody) -> dict:
    return {"custody_id": row.id, "tag": row.asset.tag, "holder": person(row.employee),
            "checked_out_at": row.checked_out_at, "checkout_kiosk_id": row.checkout_kiosk_id,
            "due_at": row.due_at, "purpose": row.purpose, "overdue_at": row.overdue_at,
            "returned_at": row.returned_at, "returned_by": person(row.returned_by),
            "return_kiosk_id": row.return_kiosk_id}


def checkout_done(row: Custody, replayed: bool) -> answers.CheckoutDone:
    return answers.CheckoutDone(**_record_fields(row), asset=asset(row.asset), replayed=replayed)


def return_done(row: Custody | None, returned: Asset, recovered: bool,
                replayed: bool) -> answers.ReturnDone | answers.LostAssetReturned:
    """The closed record; a lost asset found with no checkout open has none."""
    if row is None:
        return answers.LostAssetReturned(custody_id=None, tag=returned.tag, recovered=recovered,
                                         asset=asset(returned), replayed=replayed)
    return answers.ReturnDone(**_record_fields(row), recovered=recovered, asset=asset(returned), replayed=replayed)


def return_preview(row: Asset, open_custody: Custody | None) -> answers.ReturnPreview:
    return answers.ReturnPreview(action="return", asset=asset(row),
                                 holder=person(open_custody.employee) if open_custody else None)


def checkout_preview(row: Asset, due_at: datetime, holder: Employee) -> answers.CheckoutPreview:
    return answers.CheckoutPreview(action="checkout", asset=asset(row), due_at=due_at, employee=employee(holder))


def roster(now: datetime, people: list[Employee], assets: list[Asset]) -> answers.Roster:
    return answers.Roster(
        generated_at=now,
        employees=tuple(answers.RosterEmployee(card_hash=e.card_hash, employee_number=e.employee_number,
                                               name=e.name, language=e.language) for e in people),
        assets=tuple(answers.RosterAsset(tag=a.tag, kind=a.kind, model_number=a.model_number,
                                         description=a.description, colour=a.colour) for a in assets))
