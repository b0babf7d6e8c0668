"""The incident's own rules, on plain values: where the status may move, what closing needs, when a loss
report is complete, and which deadline comes first. No storage, no transport: the handlers apply these.

The legal duties themselves are in ``duties.py``, the measures toward the employee in ``measures.py``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, TypeVar

from contracts import words
from contracts.errors import IncidentRefusal
from contracts.events import DataInventory
from incident.roles import Actor
from incident.schemas import FORGOTTEN, LossReport

# --- status ---------------------------------------------------------------------------------------------------
SUSPECTED, CONFIRMED, RECOVERED, CLOSED = "suspected", "confirmed", "recovered", "closed"
OPENED_AS = {"possible_loss": SUSPECTED, "reported": CONFIRMED}  # a person's report is a loss, not a suspicion
REMINDED = (SUSPECTED, CONFIRMED)  # a recovered incident waits for the team's decision; a closed one is done
# What each happening does to the status, from -> to; any other status stays as it is.
MOVES: dict[str, dict[str, str]] = {
    "report_submitted": {SUSPECTED: CONFIRMED},  # a recovered asset's report does not undo the recovery
    "marked_lost": {SUSPECTED: CONFIRMED},
    "recovered": {SUSPECTED: RECOVERED, CONFIRMED: RECOVERED},
    "closed": {SUSPECTED: CLOSED, CONFIRMED: CLOSED, RECOVERED: CLOSED},
}


def moved(status: str, happening: str) -> str:
    """The status after this happening."""
    return MOVES[happening].get(status, status)


def moved_from(happening: str) -> tuple[str, ...]:
    """The statuses this happening changes (the incidents it concerns)."""
    return tuple(MOVES[happening])


def require_live(status: str, reference: str) -> None:
    """A closed incident's file is final (only measures toward the employee may follow)."""
    if status == CLOSED:
        raise IncidentRefusal("incident_closed", {"incident": reference})


# --- closing --------------------------------------------------------------------------------------------------
RESOLUTIONS = ("no_leak", "resolved")
ACTION_STATUSES = ("open", "in_progress", "done")


@dataclass(frozen=True)
class Closing:
    """A close that the rules allow; ``overridden`` open actions were left open with ``override_reason``."""
    resolution: str
    reason: str
    overridden: int = 0
    override_reason: str = ""


def closing(status: str, resolution: str, reason: str, action_statuses: Iterable[str], override_reason: str,
            actor: Actor) -> Closing:
    """"no_leak" only once recovered (before anyone could see the data); "resolved" with every prevention
    action done, or an admin (the manager role) recording why it may close anyway. Always with a reason."""
    if resolution not in RESOLUTIONS:
        raise IncidentRefusal("invalid_input", {"field": "resolution", "type": "literal_error",
                                                "problem": "no_leak or resolved", "problem_ja": "「漏えいなし」か「対応完了」"})
    if not (reason or "").strip():
        raise IncidentRefusal("invalid_input", {"field": "reason", "type": "missing", "problem": "a reason is needed",
                                                "problem_ja": "理由が必要です"})
    if resolution == "no_leak" and status != RECOVERED:
        raise IncidentRefusal("not_recovered")
    still_open = sum(1 for s in action_statuses if s != "done")
    if not still_open or resolution != "resolved":
        return Closing(resolution, reason.strip())
    if not (override_reason or "").strip():
        raise IncidentRefusal("actions_open", {"count": still_open})
    actor.require("close_with_open_actions")
    return Closing(resolution, reason.strip(), still_open, override_reason)


def require_action_status(status: str) -> None:
    if status not in ACTION_STATUSES:
        raise IncidentRefusal("invalid_input", {"field": "status", "type": "literal_error",
                                                "problem": "open, in_progress or done", "problem_ja": "未着手・対応中・完了のどれか"})


CLOCK_SKEW = timedelta(minutes=5)  # a browser or kiosk clock a little ahead is not a fact dated in the future


def require_past(moments: Iterable[tuple[str, datetime | None]], now: datetime) -> None:
    """A fact happened: refuse a time (each named by its field) later than now, beyond a small clock skew."""
    for field, moment in moments:
        if moment is not None and moment > now + CLOCK_SKEW:
            raise IncidentRefusal("invalid_input", {"field": field, "type": "datetime_past",
                                                    "problem": "Input should be in the past", "problem_ja": "未来の日時です"})


# --- the loss report ------------------------------------------------------------------------------------------
def named_before(ledger_inventory: dict, previous: dict | None) -> list[str]:
    """The categories and customers the ledger, and the previous version if any, named."""
    named = [*ledger_inventory.get("categories", []), *ledger_inventory.get("customer_ids", [])]
    if previous:
        named += [d["category"] for d in previous["data"]] + [c["customer_id"] for c in previous["customers"]]
    return named


def check_report(report: LossReport, ledger_inventory: dict, previous: dict | None) -> None:
    """Refuse a version that would lose information: a category or customer named before silently missing
    (it must be listed, "no" if it does not apply), an easily forgotten place left unanswered or unknown,
    or a "no" without its reason."""
    listed = {d.category for d in report.data} | {c.customer_id for c in report.customers}
    if missing := next((key for key in named_before(ledger_inventory, previous) if key not in listed), None):
        raise IncidentRefusal("report_drops_data", {"item": words.category(missing, "en"),
                                                    "item_ja": words.category(missing, "ja")})
    if unanswered := [key for key in FORGOTTEN if key not in report.forgotten]:
        raise IncidentRefusal("report_incomplete", {
            "field": f"forgotten.{unanswered[0]}", "problem": "not answered: " + ", ".join(FORGOTTEN[k][1] for k in unanswered),
            "problem_ja": "未回答：" + "、".join(FORGOTTEN[k][0] for k in unanswered)})
    if unknown := set(report.forgotten) - set(FORGOTTEN):
        raise IncidentRefusal("invalid_input", {"field": "forgotten", "type": "extra_forbidden",
                                                "problem": ", ".join(sorted(unknown))})
    for group, items in (("data", report.data), ("customers", report.customers)):
        for n, item in enumerate(items):
            if item.present == "no" and not item.note:
                key = getattr(item, "category", None)
                said = (words.category(key, "ja"), words.category(key, "en")) if key else (item.customer_id,) * 2
                raise IncidentRefusal("report_incomplete", {
                    "field": f"{group}.{n}.note", "problem": f"say in the note why “{said[1]}” does not apply",
                    "problem_ja": f"「{said[0]}」が該当しない理由をメモに書いてください"})


def facts_after_report(facts: dict, report: LossReport) -> dict:
    """A theft is APPI case 3 (may have an improper purpose): "stolen" sets that fact; a report never clears it."""
    if report.lost_or_stolen == "stolen" and not facts.get("improper_purpose_suspected"):
        return facts | {"improper_purpose_suspected": True}
    return facts


def inventory(ledger_inventory: dict, latest: dict | None) -> DataInventory:
    """What may have been on the device: the latest report's, where "unknown" counts as may-have-been; before
    any report, the ledger's."""
    if latest is None:
        return DataInventory.model_validate(ledger_inventory)
    categories = tuple(dict.fromkeys(d["category"] for d in latest["data"] if d["present"] != "no"))
    customers = [c for c in latest["customers"] if c["present"] != "no"]
    return DataInventory(categories=categories, customer_ids=tuple(c["customer_id"] for c in customers),
                         approx_persons=sum(c["persons"] for c in customers),
                         eu_data_subjects=latest["eu_data_subjects"])


def with_reported(known: DataInventory, reported: DataInventory) -> DataInventory:
    """The ledger's inventory plus what the reporter adds: a union, never a replacement."""
    return DataInventory(categories=tuple(dict.fromkeys((*known.categories, *reported.categories))),
                         customer_ids=tuple(dict.fromkeys((*known.customer_ids, *reported.customer_ids))),
                         approx_persons=max(known.approx_persons, reported.approx_persons),
                         eu_data_subjects=known.eu_data_subjects or reported.eu_data_subjects)


# --- deadlines ------------------------------------------------------------------------------------------------
class Deadline:
    """A duty's times (``target_at``, ``limit_at``, either may be None), for the assessed duty and the stored one."""

    @property
    def due_at(self):
        """The nearer of target and limit."""
        return min((t for t in (self.target_at, self.limit_at) if t is not None), default=None)

    @property
    def hard_limit(self) -> bool:
        """The nearest moment is a legal limit, not a mere target."""
        return self.due_at is not None and self.limit_at == self.due_at


D = TypeVar("D", bound=Deadline)


def nearest_first(duties: Iterable[D]) -> list[D]:
    """The required duties that have a deadline, nearest first."""
    # 72 hours and 3 days fall on the same moment: a hard limit then goes before a mere target.
    return sorted((d for d in duties if d.required and d.due_at is not None),
                  key=lambda d: (d.due_at, not d.hard_limit))
