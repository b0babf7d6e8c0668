"""Input: schemas for registering and updating ledger entries (RPC, CSV import, CLI), and RPC times."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, field_validator

from contracts.errors import CustodyRefusal, invalid_input
from contracts.events import AssetKind, DataCategory, Encryption
from contracts.labels import valid_tag


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AssetInput(Input):
    tag: str
    kind: AssetKind
    model_number: str = Field(min_length=1, max_length=100)
    serial_number: str = Field(min_length=1, max_length=100)
    colour: str = Field(default="", max_length=100)
    description: str = Field(default="", max_length=500)
    department: str = Field(default="", max_length=100)
    home_cabinet: str = Field(default="", max_length=100)
    data_categories: list[DataCategory] = []
    customer_ids: list[str] = []
    approx_persons: int = Field(default=0, ge=0)
    eu_data_subjects: bool = False
    encryption: Encryption = "none"
    cipher: str = Field(default="", max_length=100)
    key_stored_separately: bool = False
    remote_wipe: bool = False
    password_lock: bool = False

    @field_validator("tag")
    @classmethod
    def _tag(cls, value: str) -> str:
        value = value.upper()
        if not valid_tag(value):
            raise ValueError("use 1-32 of A-Z, 0-9 and '-', starting with a letter or digit")
        return value


class EmployeeInput(Input):
    employee_number: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=100)
    email: EmailStr
    department: str = Field(default="", max_length=100)
    manager_number: str | None = None
    training_completed_at: datetime | None = None
    active: bool = True
    language: str = Field(default="ja", pattern=r"^(ja|en)$")


def parse(schema: type[Input], data: dict) -> Input:
    """Validate input; the first bad field raises ``invalid_input`` naming the field."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise invalid_input(CustodyRefusal, exc) from None


def moment(value: str | None, field: str) -> datetime | None:
    """An ISO 8601 time with its zone (``due_at``, ``occurred_at``), or None when not given."""
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise CustodyRefusal("invalid_input", {
            "field": field, "problem": "not an ISO 8601 time",
            "problem_ja": "ISO 8601形式の時刻にしてください（例：2026-11-30T18:00+09:00）"}) from None
    if parsed.tzinfo is None:
        raise CustodyRefusal("invalid_input", {"field": field, "problem": "needs a time zone",
                                               "problem_ja": "タイムゾーン付きの時刻にしてください（例：+09:00）"})
    return parsed
