"""custody's RPC answers: built by custody (``custody.views``), parsed by its callers.

An answer travels as ``model.model_dump(mode="json")``; a caller reads it back with
``Asset.model_validate(answer)`` (or ``parse_preview`` for ``preview_scan``). Times are ISO 8601
with their offset, as ``datetime.isoformat()`` writes them. The pieces events carry too
(features, data inventory, protection, a person) are the event models themselves.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, PlainSerializer, TypeAdapter

from contracts.events import AssetFeatures, AssetKind, AssetStatus, DataInventory, Frozen, Language, Person, Protection

# ``2026-11-30T09:00:00+00:00``, not pydantic's ``...Z``: the form the answers have always had
Moment = Annotated[datetime, PlainSerializer(datetime.isoformat, when_used="json")]


class Asset(AssetFeatures):
    """An asset in the ledger: its features, status, what data may be on it and how it is protected."""
    status: AssetStatus
    data_inventory: DataInventory
    protection: Protection

    def features(self) -> AssetFeatures:
        return AssetFeatures.model_validate(self.model_dump(include=set(AssetFeatures.model_fields)))


class CustodyRecord(Frozen):
    """One checkout, open until ``returned_at`` is set."""
    custody_id: int
    tag: str
    holder: Person
    checked_out_at: Moment
    checkout_kiosk_id: str
    due_at: Moment
    purpose: str = ""
    overdue_at: Moment | None = None
    returned_at: Moment | None = None
    returned_by: Person | None = None
    return_kiosk_id: str | None = None


class AssetWithHistory(Asset):
    """``get_asset``: the asset and its checkouts, newest first."""
    history: tuple[CustodyRecord, ...]


class Employee(Person):
    """An employee as callers see them: never the card hash, only whether one is bound."""
    manager_number: str | None
    training_completed_at: Moment | None
    active: bool
    card_bound: bool


class EmployeeWithManager(Employee):
    """``get_employee``: the employee and their manager as a person (what a reported loss is filled in from)."""
    manager: Person | None


class RetiredEmployee(Employee):
    """``retire_employee``: what they still hold stays on their name until it is returned."""
    still_holding: tuple[str, ...]


class CheckoutDone(CustodyRecord):
    """``checkout``: the new record (or the first answer again, ``replayed``, for a repeated request id)."""
    asset: Asset
    replayed: bool


class ReturnDone(CustodyRecord):
    """``return_asset`` of an asset that was out; ``recovered`` when it was overdue or lost."""
    recovered: bool
    asset: Asset
    replayed: bool


class LostAssetReturned(Frozen):
    """``return_asset`` of an asset recorded lost with no open checkout: no record to close."""
    custody_id: None
    tag: str
    recovered: bool
    asset: Asset
    replayed: bool


class ReturnPreview(Frozen):
    """``preview_scan`` when the asset is out (or lost): scanning it returns it."""
    action: Literal["return"]
    asset: Asset
    holder: Person | None


class CheckoutPreview(Frozen):
    """``preview_scan`` otherwise: this employee may take it, due at ``due_at``."""
    action: Literal["checkout"]
    asset: Asset
    due_at: Moment
    employee: Employee


ScanPreview = Annotated[ReturnPreview | CheckoutPreview, Field(discriminator="action")]


class RosterEmployee(Frozen):
    card_hash: str
    employee_number: str
    name: str
    language: Language


class RosterAsset(Frozen):
    tag: str
    kind: AssetKind
    model_number: str
    description: str
    colour: str


class Roster(Frozen):
    """``kiosk_roster``: what a kiosk caches to greet people and name assets while offline."""
    generated_at: Moment
    employees: tuple[RosterEmployee, ...]
    assets: tuple[RosterAsset, ...]


class KioskRegistered(Frozen):
    """``register_kiosk``: the secret is in this answer only; custody keeps a hash of it."""
    kiosk_id: str
    kiosk_secret: str


class HealthCheck(Frozen):
    """One readiness check: the database, the broker, or a background loop (with its last good round)."""
    ok: bool
    detail: str
    last_run_seconds_ago: float | None = None


class Health(Frozen):
    """``health``: ready or not and why, and the figures ops watch (None while the database is unreachable)."""
    ok: bool
    service: str
    checks: dict[str, HealthCheck]
    database: str | None = None
    outbox_pending: int | None = None
    outbox_oldest_pending_seconds: int | float | None = None
    checked_out: int | None = None
    overdue: int | None = None


class AuditChain(Frozen):
    """``verify_audit_chain``: whether the hash chain holds, and the first entry that breaks it."""
    ok: bool
    entries: int
    first_broken_seq: int | None
    problem: str


def parse_preview(answer: dict) -> ReturnPreview | CheckoutPreview:
    """A ``preview_scan`` answer as its model (chosen by ``action``)."""
    return TypeAdapter(ScanPreview).validate_python(answer)


def parse_return(answer: dict) -> ReturnDone | LostAssetReturned:
    """A ``return_asset`` answer as its model."""
    return TypeAdapter(ReturnDone | LostAssetReturned).validate_python(answer)


def parse_records(answer: list) -> tuple[CustodyRecord, ...]:
    """``list_checked_out`` and ``list_overdue``: open checkouts, earliest due first."""
    return TypeAdapter(tuple[CustodyRecord, ...]).validate_python(answer)
