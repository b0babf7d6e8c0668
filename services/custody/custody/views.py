"""Ledger rows as contract objects (for events) and as plain dicts (for RPC answers)."""
from __future__ import annotations

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


def asset_dict(asset: Asset) -> dict:
    return {**features(asset).model_dump(mode="json"), "status": asset.status,
            "data_inventory": inventory(asset).model_dump(mode="json"),
            "protection": protection(asset).model_dump(mode="json")}


def employee_dict(employee: Employee) -> dict:
    """An employee as RPC callers see it: never the card hash, only whether one is bound."""
    return {**person(employee).model_dump(mode="json"),
            "manager_number": employee.manager.employee_number if employee.manager else None,
            "training_completed_at": _iso(employee.training_completed_at),
            "active": employee.active, "language": employee.language,
            "card_bound": employee.card_hash is not None}


def custody_dict(record: Custody) -> dict:
    return {"custody_id": record.id, "tag": record.asset.tag,
            "holder": person(record.employee).model_dump(mode="json"),
            "checked_out_at": _iso(record.checked_out_at), "checkout_kiosk_id": record.checkout_kiosk_id,
            "due_at": _iso(record.due_at), "purpose": record.purpose,
            "overdue_at": _iso(record.overdue_at), "returned_at": _iso(record.returned_at),
            "returned_by": person(record.returned_by).model_dump(mode="json") if record.returned_by else None,
            "return_kiosk_id": record.return_kiosk_id}


def _iso(moment):
    return moment.isoformat() if moment is not None else None
