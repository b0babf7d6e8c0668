"""The report and the facts: loss report versions, the timeline, the facts behind the duties, a duty done."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.errors import IncidentRefusal
from incident import domain, schemas
from incident.handlers.common import live, note, recompute, refresh_next_due, updated
from incident.models import ReportVersion, TimelineEntry
from incident.roles import Actor

REPORT_PARTS = ("data", "customers", "eu_data_subjects", "forgotten", "forgotten_detail", "features", "last_seen_at",
                "last_seen_place", "circumstances", "movements", "told", "lost_or_stolen")


def _report_changes(before: dict, after: dict) -> str:
    """Which parts of the report a new version changed, for the timeline."""
    changed = [part for part in REPORT_PARTS if before.get(part) != after.get(part)]
    return "変更 / changed: " + (", ".join(changed) if changed else "なし / none")


def _stated(report: schemas.LossReport) -> list[tuple[datetime, str, str, str]]:
    """The facts a report states, as timeline entries (at, place, text, kind)."""
    facts = [(report.last_seen_at, report.last_seen_place, f"最後に確認 / last seen: {report.circumstances}", "fact")]
    facts += [(move.at, move.place, move.text, "fact") for move in report.movements]
    facts += [(told.at, "", f"{told.who} に連絡 / told {told.who}" + (f" ({told.how})" if told.how else ""), "told")
              for told in report.told]
    return facts


def submit_report(session: Session, actor: Actor, incident_id, data: dict, *, now: datetime) -> ReportVersion:
    """A new version of the loss report; every fact in it goes onto the timeline."""
    actor.require("submit_report")
    incident = live(session, incident_id)
    report = schemas.parse(schemas.LossReport, data)
    previous = incident.reports[-1].body if incident.reports else None
    domain.check_report(report, incident.ledger_inventory, previous)
    version = len(incident.reports) + 1
    row = ReportVersion(incident=incident, version=version, submitted_by=actor.name, submitted_at=now,
                        body=report.model_dump(mode="json"))
    session.add(row)
    # a new version repeats the facts of the last one: only what is new goes onto the timeline
    known = {(e.at, e.place, e.text) for e in incident.timeline}
    for at, place, text, kind in _stated(report):
        if (at, place, text) not in known:
            note(session, incident, actor, now, text, at=at, kind=kind, place=place)
            known.add((at, place, text))
    note(session, incident, actor, now, f"紛失報告 第{version}版を提出 / loss report version {version} submitted" +
         ("" if previous is None else " (" + _report_changes(previous, row.body) + ")"))
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
        raise IncidentRefusal("entry_unknown", {"what": "timeline", "key": supersedes})
    if session.scalar(select(TimelineEntry.id).where(TimelineEntry.supersedes_id == old.id)):
        raise IncidentRefusal("invalid_input", {"field": "supersedes", "problem": "already superseded",
                                                "problem_ja": "すでに訂正済みの記録です"})
    return old.id


def add_timeline(session: Session, actor: Actor, incident_id, data: dict, *, now: datetime) -> TimelineEntry:
    """A fact for the timeline; ``supersedes`` names an entry it corrects (which stays, marked superseded)."""
    actor.require("add_timeline")
    incident = live(session, incident_id)
    move = schemas.parse(schemas.Movement, {k: data[k] for k in ("at", "place", "text") if k in data})
    kind = data.get("kind", "fact")
    if kind not in ("fact", "told"):
        raise IncidentRefusal("invalid_input", {"field": "kind", "problem": "fact or told",
                                                "problem_ja": "fact（事実）か told（連絡）"})
    supersedes = _superseded(session, incident.id, data.get("supersedes"))
    entry = note(session, incident, actor, now, move.text, at=move.at, kind=kind, place=move.place,
                 supersedes=supersedes)
    session.commit()
    return entry


def set_facts(session: Session, actor: Actor, incident_id, data: dict, *, now: datetime) -> bool:
    """The judgement calls behind the duties (and when the company became aware); the duties follow."""
    actor.require("set_facts")
    incident = live(session, incident_id)
    given = schemas.parse(schemas.Facts, data).model_dump(mode="json", exclude_unset=True)
    if aware := given.pop("aware_at", None):
        incident.aware_at = datetime.fromisoformat(aware)
    incident.facts = incident.facts | given
    note(session, incident, actor, now, "判断事項を更新 / assessment facts changed: " +
         ", ".join(f"{k}={v}" for k, v in given.items()) + (f", aware_at={aware}" if aware else ""))
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
        raise IncidentRefusal("entry_unknown", {"what": "duty", "key": code})
    duty.done_at, duty.done_by, duty.done_note = now, actor.name, (done_note or "")[:2000]
    note(session, incident, actor, now, f"{duty.title_ja} を完了 / {duty.title_en} done" +
         (f": {done_note}" if done_note else ""))
    refresh_next_due(incident)
    updated(session, incident, now, "duties", f"{code} done")
    session.commit()
