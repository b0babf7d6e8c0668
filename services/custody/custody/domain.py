"""Custody rules: who may take what out, until when. No database, broker or web here.

``decide_checkout`` and ``decide_return`` are the rules as a person at the cabinet meets them,
top to bottom. They take plain facts the handler fetched (ORM rows in the service, simple
stand-ins in unit tests) and return the decision, or raise CustodyRefusal with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from typing import Any

from contracts.errors import CustodyRefusal
from contracts.labels import LabelError, problem_params, valid_tag, verify_payload

OUT_STATUSES = ("checked_out", "overdue")
OFFLINE_LIMIT = timedelta(days=7)  # a kiosk journal older than this needs a person to look at it
CLOCK_SKEW = timedelta(minutes=2)  # how far a kiosk's clock may run ahead of ours


@dataclass(frozen=True)
class DueRule:
    """Either a fixed length (``4h``) or the end of the working day (``end-of-day 18:00``); see settings."""
    length: timedelta | None = None
    end_of_day: time | None = None

    def default_due(self, now: datetime, tz: tzinfo) -> datetime:
        if self.length is not None:
            return now + self.length
        local = now.astimezone(tz)
        due = local.replace(hour=self.end_of_day.hour, minute=self.end_of_day.minute, second=0, microsecond=0)
        if due <= local:  # taken out after hours: due at the end of the next working day
            due += timedelta(days=1)
        return due


@dataclass(frozen=True)
class Policy:
    training_valid_days: int
    max_items: int
    due_rules: dict[str, DueRule]  # by asset kind
    tz: tzinfo


@dataclass(frozen=True)
class Scan:
    """What the kiosk read: the tag of a genuine label (or a well-formed typed tag), else why not."""
    tag: str | None
    problem: str = ""


@dataclass(frozen=True)
class CheckoutFacts:
    """What the handler fetched for one checkout; ``employee`` is the card's holder, if any."""
    now: datetime
    occurred_at: datetime | None  # when an offline kiosk journalled the act
    card_given: bool
    employee: Any
    scan: Scan
    asset: Any
    open_custody: Any
    held: int  # open checkouts the employee already has
    requested_due: datetime | None = None


@dataclass(frozen=True)
class Checkout:
    at: datetime
    due_at: datetime


@dataclass(frozen=True)
class Return:
    at: datetime
    status: str  # the asset's status afterwards
    recovered: bool  # it was overdue or lost
    returned_by: Any  # the active employee whose card was shown, else None


def decide_checkout(facts: CheckoutFacts, policy: Policy) -> Checkout:
    """Every checkout rule, in the order the person at the cabinet should hear about them."""
    at = act_time(facts.now, facts.occurred_at)
    if not facts.card_given:
        raise CustodyRefusal("card_required")
    check_employee(facts.employee)
    asset = scanned_asset(facts.scan, facts.asset)
    check_asset_available(asset, facts.open_custody, policy)
    check_may_take(facts.employee, asset, facts.held, policy, at)
    return Checkout(at=at, due_at=due_time(asset.kind, policy, at, facts.requested_due))


def decide_return(now: datetime, occurred_at: datetime | None, scan: Scan, asset, open_custody,
                  card_holder) -> Return:
    """A return is refused only when there is nothing to return; an unknown card never stops it."""
    at = act_time(now, occurred_at)
    asset = scanned_asset(scan, asset)
    if not is_out(asset, open_custody):
        raise CustodyRefusal("asset_not_out", {"tag": asset.tag})
    status, recovered = next_status_after_return(asset.status)
    returned_by = card_holder if card_holder is not None and card_holder.active else None
    return Return(at=at, status=status, recovered=recovered, returned_by=returned_by)


def act_time(now: datetime, occurred_at: datetime | None) -> datetime:
    """When the act took place: now, or the time an offline kiosk journalled it (at most a week ago)."""
    if occurred_at is None:
        return now
    if not now - OFFLINE_LIMIT <= occurred_at <= now + CLOCK_SKEW:
        raise CustodyRefusal("invalid_input", {"field": "occurred_at", "problem": "more than 7 days ago or in the future",
                                               "problem_ja": "7日より前か、未来の時刻です"})
    return occurred_at


def read_scan(label: str | None, tag: str | None, label_key: bytes) -> Scan:
    """The tag from a scanned label (signature checked) or from a tag typed by hand."""
    if label:
        try:
            return Scan(verify_payload(label, label_key))
        except LabelError as exc:
            return Scan(None, exc.problem)
    typed = (tag or "").strip().upper()
    if not valid_tag(typed):
        return Scan(None, "no label or tag given" if not typed else "malformed tag")
    return Scan(typed)


def scanned_asset(scan: Scan, asset):
    """The asset the label names: a forged or damaged label, or a tag not in the ledger, is refused."""
    if scan.tag is None:
        raise CustodyRefusal("label_invalid", problem_params(scan.problem))
    if asset is None:
        raise CustodyRefusal("asset_unknown", {"tag": scan.tag})
    return asset


def check_employee(employee) -> None:
    if employee is None:
        raise CustodyRefusal("card_unknown")
    if not employee.active:
        raise CustodyRefusal("employee_inactive", {"employee_name": employee.name})


def is_out(asset, open_custody) -> bool:
    """Whether scanning the asset means a return: it is out, or recorded lost (a find brings it back)."""
    return open_custody is not None or asset.status == "lost"


def check_asset_available(asset, open_custody, policy: Policy) -> None:
    """Refuse an asset that is retired, lost or already out (naming holder and time)."""
    if asset.status == "retired":
        raise CustodyRefusal("asset_retired", {"tag": asset.tag})
    if asset.status == "lost":
        raise CustodyRefusal("asset_lost", {"tag": asset.tag})
    if open_custody is not None or asset.status in OUT_STATUSES:
        params = {"tag": asset.tag, "holder_name": "?", "since": "?"}
        if open_custody is not None:
            params.update(holder_name=open_custody.employee.name,
                          since=local_text(open_custody.checked_out_at, policy.tz))
        raise CustodyRefusal("asset_already_out", params)


def holds_customer_data(asset) -> bool:
    return bool(asset.data_categories or asset.customer_ids or asset.approx_persons)


def check_may_take(employee, asset, held_count: int, policy: Policy, now: datetime) -> None:
    """Training, USB encryption and item-limit rules for this employee and asset."""
    if holds_customer_data(asset):
        done = employee.training_completed_at
        if done is None:
            raise CustodyRefusal("training_missing")
        if now - done > timedelta(days=policy.training_valid_days):
            raise CustodyRefusal("training_expired", {
                "completed_on": done.astimezone(policy.tz).date().isoformat(),
                "valid_days": policy.training_valid_days})
        if asset.kind == "usb_storage" and asset.encryption == "none":
            raise CustodyRefusal("usb_unencrypted_customer_data", {"tag": asset.tag})
    if held_count >= policy.max_items:
        raise CustodyRefusal("max_items_reached", {"held": held_count, "max_items": policy.max_items})


def due_time(kind: str, policy: Policy, now: datetime, requested: datetime | None = None) -> datetime:
    """The default due time for a kind; a requested time (with its zone) may only be earlier, never past."""
    default = policy.due_rules[kind].default_due(now, policy.tz)
    if requested is None:
        return default
    when = local_text(requested, policy.tz)
    if requested <= now:
        raise CustodyRefusal("due_invalid", {"due_at": when, "problem": "in the past / 過去の時刻"})
    if requested > default:
        raise CustodyRefusal("due_invalid", {
            "due_at": when, "problem": f"later than the limit {local_text(default, policy.tz)} / 上限より後"})
    return requested


def next_status_after_return(asset_status: str) -> tuple[str, bool]:
    """Status after a return, and whether the return is a recovery of an overdue or lost asset."""
    if asset_status == "retired":
        return "retired", False
    return "available", asset_status in ("overdue", "lost")


def local_text(moment: datetime, tz: tzinfo) -> str:
    """A time as a person at the cabinet reads it: local date and minute."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")
