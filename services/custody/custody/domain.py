"""Custody rules: who may take what out, until when. No database, broker or web here.

Functions take plain objects with the ledger's attribute names (ORM rows in the
service, simple stand-ins in unit tests) and raise CustodyRefusal with a reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from contracts.errors import CustodyRefusal

OUT_STATUSES = ("checked_out", "overdue")


@dataclass(frozen=True)
class Policy:
    training_valid_days: int
    max_items: int
    due_rules: dict  # kind -> settings.DueRule
    tz: tzinfo


def holds_customer_data(asset) -> bool:
    return bool(asset.data_categories or asset.customer_ids or asset.approx_persons)


def local_text(moment: datetime, tz: tzinfo) -> str:
    """A time as a person at the cabinet reads it: local date and minute."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def check_employee(employee) -> None:
    if employee is None:
        raise CustodyRefusal("card_unknown")
    if not employee.active:
        raise CustodyRefusal("employee_inactive", {"employee_name": employee.name})


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
    """The default due time for a kind; a requested time may only be earlier, never past."""
    rule = policy.due_rules[kind]
    if rule.length is not None:
        default = now + rule.length
    else:
        local = now.astimezone(policy.tz)
        default = local.replace(hour=rule.end_of_day.hour, minute=rule.end_of_day.minute,
                                second=0, microsecond=0)
        if default <= local:  # taken out after hours: due at the end of the next working day
            default += timedelta(days=1)
    if requested is None:
        return default
    if requested.tzinfo is None:
        raise CustodyRefusal("invalid_input", {"field": "due_at", "problem": "needs a time zone",
                                               "problem_ja": "タイムゾーン付きの時刻にしてください（例：+09:00）"})
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
