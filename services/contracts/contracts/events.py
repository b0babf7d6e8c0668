"""Every event the system emits: its name, its payload schema and its version.

Producers build an event with ``SomeEvent.new(...)`` and publish ``event.to_wire()``
with routing key ``event.event_type``; consumers call ``parse_event(event_type, body)``
and de-duplicate on ``event_id``.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

CUSTODY = "custody"    # nameko service names: each publishes on "<name>.events"
INCIDENT = "incident"
NOTIFY = "notify"

AssetKind = Literal["laptop", "smartphone", "tablet", "usb_storage", "other"]
AssetStatus = Literal["available", "checked_out", "overdue", "lost", "retired"]
Encryption = Literal["none", "full_disk", "file_level"]
DataCategory = Literal[
    "name", "email", "phone", "address", "birth_date", "credit_card",
    "bank_account", "health", "sensitive", "my_number", "login_credentials", "other",
]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AssetFeatures(Frozen):
    tag: str
    kind: AssetKind
    model_number: str
    serial_number: str
    colour: str = ""
    description: str = ""
    department: str = ""
    home_cabinet: str = ""


class DataInventory(Frozen):
    categories: tuple[DataCategory, ...] = ()
    customer_ids: tuple[str, ...] = ()
    approx_persons: int = Field(default=0, ge=0)
    eu_data_subjects: bool = False


class Protection(Frozen):
    encryption: Encryption = "none"
    cipher: str = ""
    key_stored_separately: bool = False
    remote_wipe: bool = False
    password_lock: bool = False


Language = Literal["ja", "en"]


class Person(Frozen):
    employee_number: str
    name: str
    email: str
    department: str = ""
    language: Language = "ja"  # the language to write to this person in


class CheckoutFacts(Frozen):
    custody_id: int
    checked_out_at: datetime
    kiosk_id: str
    due_at: datetime
    purpose: str = ""


class Event(Frozen):
    """Envelope fields every event carries."""
    event_type: ClassVar[str]
    source: ClassVar[str] = CUSTODY  # the service that publishes it
    version: int = 1
    event_id: str
    occurred_at: datetime

    @classmethod
    def new(cls, occurred_at: datetime | None = None, **fields):
        return cls(event_id=str(uuid.uuid4()),
                   occurred_at=occurred_at or datetime.now(timezone.utc), **fields)

    def to_wire(self) -> dict:
        return self.model_dump(mode="json")


class AssetRegistered(Event):
    """An asset entered the ledger, with what data may be on it and how it is protected."""
    event_type: ClassVar[str] = "asset_registered"
    asset: AssetFeatures
    data_inventory: DataInventory
    protection: Protection


class AssetUpdated(AssetRegistered):
    """An asset's ledger entry changed; the body is the whole new state."""
    event_type: ClassVar[str] = "asset_updated"


class AssetRetired(Event):
    """An asset was taken out of service for good."""
    event_type: ClassVar[str] = "asset_retired"
    tag: str
    reason: str = ""


class AssetCheckedOut(Event):
    """An employee took an asset out of the cabinet."""
    event_type: ClassVar[str] = "asset_checked_out"
    asset: AssetFeatures
    holder: Person
    checkout: CheckoutFacts


class AssetReturned(Event):
    """An asset came back; ``returned_by_other`` when someone else (or no card) returned it."""
    event_type: ClassVar[str] = "asset_returned"
    tag: str
    custody_id: int
    holder: Person
    returned_by: Person | None
    returned_by_other: bool
    returned_at: datetime
    kiosk_id: str
    was_overdue: bool


class PossibleLossDetected(Event):
    """A due time passed without a return: the snapshot the incident process starts from."""
    event_type: ClassVar[str] = "possible_loss_detected"
    asset: AssetFeatures
    data_inventory: DataInventory
    protection: Protection
    holder: Person
    manager: Person | None
    checkout: CheckoutFacts
    detected_at: datetime


class AssetRecovered(Event):
    """An overdue or lost asset came back: the incident for it may be closed."""
    event_type: ClassVar[str] = "asset_recovered"
    tag: str
    custody_id: int | None
    recovered_at: datetime
    returned_by: Person | None
    kiosk_id: str
    # who had it out and their manager, to be told it is back (absent in events written before they were added)
    holder: Person | None = None
    manager: Person | None = None


class AssetMarkedLost(Event):
    """The asset is confirmed lost (it stays so until it is returned)."""
    event_type: ClassVar[str] = "asset_marked_lost"
    tag: str
    custody_id: int | None
    reason: str = ""


class EmployeeRegistered(Event):
    """An employee entered the ledger."""
    event_type: ClassVar[str] = "employee_registered"
    employee: Person
    manager_number: str | None
    active: bool


class EmployeeUpdated(EmployeeRegistered):
    """An employee's details changed (``active: false`` when they left)."""
    event_type: ClassVar[str] = "employee_updated"


class CardBound(Event):
    """A card was bound; the hash is not in the event, only that the binding changed."""
    event_type: ClassVar[str] = "card_bound"
    employee_number: str


IncidentStatus = Literal["suspected", "confirmed", "recovered", "closed"]


class DeadlineFacts(Frozen):
    """One legal duty's deadline, as the incident service computed it."""
    duty_code: str
    title_ja: str
    title_en: str
    law: str
    due_at: datetime
    hard_limit: bool  # True: a legal limit; False: a target ("promptly")


class IncidentSummary(Frozen):
    """What every incident event carries: enough to tell people what happened, nothing more."""
    incident_id: int
    reference: str  # e.g. INC-2026-0007, printed in every message about it
    status: IncidentStatus
    title: str  # both languages, "日本語 / English"; a message in one language uses title_ja or title_en
    asset: AssetFeatures | None
    holder: Person | None
    manager: Person | None
    aware_at: datetime
    next_deadline: DeadlineFacts | None = None
    open_deadlines: tuple[DeadlineFacts, ...] = ()  # every required duty not yet done, nearest first
    title_ja: str = ""  # e.g. ノートPC LT-0002 の紛失の疑い
    title_en: str = ""  # e.g. Possible loss of laptop LT-0002


class IncidentEvent(Event):
    source: ClassVar[str] = INCIDENT
    incident: IncidentSummary


class IncidentOpened(IncidentEvent):
    """An incident was opened (from a possible loss, or reported by a person)."""
    event_type: ClassVar[str] = "incident_opened"
    origin: Literal["possible_loss", "reported"]
    source_event_id: str | None = None  # the possible_loss_detected it came from
    # what the people told at the start need to judge it: the checkout, the data, the protection
    checkout: CheckoutFacts | None = None
    data_inventory: DataInventory | None = None
    protection: Protection | None = None


class IncidentUpdated(IncidentEvent):
    """Something about an incident changed: its status, its report, its duties."""
    event_type: ClassVar[str] = "incident_updated"
    change: Literal["status", "report", "duties", "review", "measure", "recovered"]
    detail: str = ""


class IncidentDeadlineApproaching(IncidentEvent):
    """A legal deadline is near (sent once per configured lead time)."""
    event_type: ClassVar[str] = "incident_deadline_approaching"
    deadline: DeadlineFacts
    lead_hours: float


class IncidentDeadlineMissed(IncidentEvent):
    """A legal deadline passed with the duty still open (sent once)."""
    event_type: ClassVar[str] = "incident_deadline_missed"
    deadline: DeadlineFacts


class IncidentClosed(IncidentEvent):
    """An incident was closed, with how and by whom."""
    event_type: ClassVar[str] = "incident_closed"
    resolution: Literal["no_leak", "resolved"]
    closed_by: str
    reason: str = ""


class NoticeRecipient(Frozen):
    """One customer to write to; ``variables`` fill that person's copy of the template."""
    email: str
    name: str = ""
    language: Language = "ja"
    variables: dict[str, str | int | float | bool | None] = {}


class CustomerNoticeRequested(Event):
    """Ask notify to send one templated message to many customers, at most once each.

    ``request_id`` is the idempotency key: a repeated request (same id) adds nobody twice.
    """
    event_type: ClassVar[str] = "customer_notice_requested"
    source: ClassVar[str] = INCIDENT
    request_id: str = Field(min_length=1, max_length=100)
    incident_reference: str
    template: Literal["apology_notice", "status_report", "inquiry_reply"]
    variables: dict[str, str | int | float | bool | None] = {}
    recipients: tuple[NoticeRecipient, ...] = Field(min_length=1)


class DeliveryFailed(Event):
    """An email could not be delivered (rejected, or retries used up); see the delivery log."""
    event_type: ClassVar[str] = "delivery_failed"
    source: ClassVar[str] = NOTIFY
    delivery_id: int
    template: str
    recipient: str
    source_event_id: str
    attempts: int
    permanent: bool
    smtp_response: str


EVENTS: dict[str, type[Event]] = {
    cls.event_type: cls for cls in (
        AssetRegistered, AssetUpdated, AssetRetired, AssetCheckedOut, AssetReturned,
        PossibleLossDetected, AssetRecovered, AssetMarkedLost,
        EmployeeRegistered, EmployeeUpdated, CardBound,
        IncidentOpened, IncidentUpdated, IncidentDeadlineApproaching, IncidentDeadlineMissed, IncidentClosed,
        CustomerNoticeRequested, DeliveryFailed,
    )
}


def parse_event(event_type: str, body: dict) -> Event:
    """Validate a received body against its schema; raises KeyError or ValidationError."""
    return EVENTS[event_type].model_validate(body)
