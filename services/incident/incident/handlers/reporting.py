"""The report and the facts: loss report versions, the timeline, the facts behind the duties, a duty done."""
from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import IncidentRefusal
from incident import domain, schemas
from incident.handlers.common import live, note, recompute, refresh_next_due, updated
from incident.models import ReportVersion, TimelineEntry
from incident.roles import Actor

REPORT_PARTS = ("data", "customers", "eu_data_subjects", "forgotten", "forgotten_detail", "features", "last_seen_at",
                "last_seen_place", "circumstances", "movements", "told", "lost_or_stolen")


def _report_changes(before: dict, after: dict) -> list[str]:
    """Which parts of the report a new version changed, for the timeline."""
    return [part for part in REPORT_PARTS if before.get(part) != after.get(part)]


class Stated(NamedTuple):
    """A fact a report states, as a timeline entry: typed ``text``, or a ``code`` with ``params``."""
    at: datetime
    place: str
    kind: str
    text: str = ""
    code: str | None = None
    params: dict | None = None

    def key(self) -> tuple:
        return self.at, self.place, self.text, self.code, json.dumps(self.params, sort_keys=True, ensure_ascii=False)


def _stated(report: schemas.LossReport) -> list[Stated]:
    """The facts a report states, as timeline entries."""
    facts = [Stated(report.last_seen_at, report.last_seen_place, "fact", code="last_seen",
                    params={"circumstances": report.circumstances})]
    facts += [Stated(move.at, move.place, "fact", move.text) for move in report.movements]
    facts += [Stated(told.at, "", "told", code="told", params={"who": told.who, "how": told.how}) for told in report.told]
    return facts


def _report_times(report: schemas.LossReport) -> list[tuple[str, datetime]]:
    return [("last_seen_at", report.last_seen_at), *((f"movements.{n}.at", m.at) for n, m in enumerate(report.movements)),
            *((f"told.{n}.at", t.at) for n, t in enumerate(report.told))]


def submit_report(session: Session, actor: Actor, incident_id, data: dict, *, now: datetime) -> ReportVersion:
    """A new version of the loss report; every fact in it goes onto the timeline."""
    actor.require("submit_report")
    incident = live(session, incident_id)
    report = schemas.parse(schemas.LossReport, data)
    domain.require_past(_report_times(report), now)
    previous = incident.reports[-1].body if incident.reports else None
    domain.check_report(report, incident.ledger_inventory, previous)
    version = len(incident.reports) + 1
    row = ReportVersion(incident=incident, version=version, submitted_by=actor.name, submitted_at=now,
                        body=report.model_dump(mode="json"))
    session.add(row)
    # a new version repeats the facts of the last one: only what is new goes onto the timeline
    known = {Stated(e.at, e.place, e.kind, e.text, e.code, e.params).key() for e in incident.timeline}
    for fact in _stated(report):
        if fact.key() not in known:
            note(session, incident, actor, now, fact.text, code=fact.code, params=fact.params, at=fact.at,
                 kind=fact.kind, place=fact.place)
            known.add(fact.key())
    note(session, incident, actor, now, code="report_submitted",
         params={"version": version, "changed": None if previous is None else _report_changes(previous, row.body)})
    incident.facts = domain.facts_after_report(incident.facts, report)
    incident.status = domain.moved(incident.status, "report_submitted")
    session.flush()
    session.refresh(incident, ["reports"])
    recompute(session, incident, now, actor)
    updated(session, incident, now, "report", f"loss report version {version}")
    session.commit()
    return row


def _superseded(session: Session, incident_id: int, supersedes) -> int | None:
    """The entry a correction supersedes: of this incident, and not corrected already."""
    if supersedes in ("", None):
        return None
    if not str(supersedes).isdigit():
        raise IncidentRefusal("invalid_input", {"field": "supersedes", "problem": "not an entry number",
                                                "problem_ja": "経過の番号ではありません"})
    old = session.get(TimelineEntry, int(supersedes))
    if old is None or old.incident_id != incident_id:
        raise IncidentRefusal("entry_unknown", {"what": "timeline entry", "what_ja": "経過の記録", "key": supersedes})
    if session.scalar(select(TimelineEntry.id).where(TimelineEntry.supersedes_id == old.id)):
        raise IncidentRefusal("invalid_input", {"field": "supersedes", "problem": "already superseded",
                                                "problem_ja": "すでに訂正済みの記録です"})
    return old.id


def add_timeline(session: Session, actor: Actor, incident_id, data: dict, *, now: datetime) -> TimelineEntry:
    """A fact for the timeline; ``supersedes`` names an entry it corrects (which stays, marked superseded)."""
    actor.require("add_timeline")
    incident = live(session, incident_id)
    move = schemas.parse(schemas.Movement, {k: data[k] for k in ("at", "place", "text") if k in data})
    domain.require_past([("at", move.at)], now)
    kind = data.get("kind", "fact")
    if kind not in ("fact", "told"):
        raise IncidentRefusal("invalid_input", {"field": "kind", "type": "literal_error", "problem": "fact or told",
                                                "problem_ja": "「事実」か「連絡」"})
    supersedes = _superseded(session, incident.id, data.get("supersedes"))
    entry = note(session, incident, actor, now, move.text, at=move.at, kind=kind, place=move.place,
                 supersedes=supersedes)
    session.commit()
    return entry


def set_facts(session: Session, actor: Actor, incident_id, data: dict, *, now: datetime) -> bool:
    """The judgement calls behind the duties (and when the company became aware); the duties follow."""
    actor.require("set_facts")
    incident = live(session, incident_id)
    facts = schemas.parse(schemas.Facts, data)
    domain.require_past([("aware_at", facts.aware_at)], now)
    given = facts.model_dump(mode="json", exclude_unset=True)
    if aware := given.pop("aware_at", None):
        incident.aware_at = datetime.fromisoformat(aware)
    incident.facts = incident.facts | given
    note(session, incident, actor, now, code="facts_changed",
         params={"facts": given | ({"aware_at": aware} if aware else {})})
    changed = recompute(session, incident, now, actor)
    updated(session, incident, now, "duties" if changed else "status", "facts changed")
    session.commit()
    return changed


def mark_duty_done(session: Session, actor: Actor, incident_id, code: str, done_note: str, *, now: datetime) -> None:
    """A duty fulfilled, by whom and when, with a note (e.g. the PPC's receipt number)."""
    actor.require("mark_duty_done")
    incident = live(session, incident_id)
    duty = next((d for d in incident.duties if d.code == code), None)
    if duty is None:
        raise IncidentRefusal("entry_unknown", {"what": "duty", "what_ja": "義務", "key": code})
    duty.done_at, duty.done_by, duty.done_note = now, actor.name, (done_note or "")[:2000]
    note(session, incident, actor, now, code="duty_done", params={"duty": duty.code, "note": duty.done_note})
    refresh_next_due(incident)
    updated(session, incident, now, "duties", f"{code} done")
    session.commit()
