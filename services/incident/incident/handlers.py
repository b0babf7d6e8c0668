"""The incident use cases. Each takes a session, the acting person and "now", checks the role, changes
the file, writes the timeline and the events (outbox) in the same transaction, and commits."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contracts import events as ev
from contracts import words as said
from contracts.errors import IncidentRefusal
from incident import duties as rules
from incident import measures, outbox, schemas, views
from incident.models import (DutyState, EmployeeMeasure, Incident, PreventionAction, ReportVersion, Review,
                             TimelineEntry)
from incident.roles import SYSTEM, Actor

log = logging.getLogger(__name__)
LIVE = ("suspected", "confirmed", "recovered")


def get(session: Session, incident_id: int | str) -> Incident:
    """By id or by reference (INC-2026-0007)."""
    key = str(incident_id).strip()
    query = select(Incident).where(Incident.id == int(key)) if key.isdigit() else \
        select(Incident).where(Incident.reference == key.upper())
    incident = session.scalar(query)
    if incident is None:
        raise IncidentRefusal("incident_unknown", {"incident": key})
    return incident


def _live(session: Session, incident_id) -> Incident:
    incident = get(session, incident_id)
    if incident.status == "closed":
        raise IncidentRefusal("incident_closed", {"incident": incident.reference})
    return incident


def _note(session: Session, incident: Incident, actor: Actor, now: datetime, text: str, *, at: datetime | None = None,
          kind: str = "system", place: str = "", supersedes: int | None = None) -> TimelineEntry:
    entry = TimelineEntry(incident=incident, at=at or now, recorded_at=now, recorded_by=actor.name, kind=kind,
                          place=place, text=text, supersedes_id=supersedes)
    session.add(entry)
    return entry


def _updated(session: Session, incident: Incident, now: datetime, change: str, detail: str = "") -> None:
    session.flush()
    outbox.add(session, ev.IncidentUpdated.new(occurred_at=now, incident=views.summary(incident),
                                               change=change, detail=detail))


def _refresh_next_due(incident: Incident) -> None:
    """Keep the nearest open deadline on the incident (the list and the reminders sort by it)."""
    nearest = views.open_duties(incident)
    incident.next_due_at = nearest[0].due_at if nearest else None


def _for_asset(session: Session, tag: str, statuses: tuple[str, ...]) -> list[Incident]:
    """The incidents in these statuses about the asset with this tag."""
    found = session.scalars(select(Incident).where(Incident.status.in_(statuses))).all()
    return [i for i in found if (i.asset or {}).get("tag") == tag]


def recompute(session: Session, incident: Incident, now: datetime, actor: Actor = SYSTEM) -> bool:
    """Assess the duties again from the current facts; say on the timeline what changed."""
    assessment = rules.assess(views.facts(incident))
    current = {d.code: d for d in incident.duties}
    changes = []
    for duty in assessment.duties:
        row = current.get(duty.code)
        if row is None:
            row = DutyState(incident=incident, code=duty.code, reasons=[], required=False)
            session.add(row)
        before = (row.required, row.target_at, row.limit_at)
        row.law, row.title_ja, row.title_en = duty.law, duty.title_ja, duty.title_en
        row.required, row.target_at, row.limit_at, row.reasons = duty.required, duty.target_at, duty.limit_at, \
            list(duty.reasons)
        if before != (row.required, row.target_at, row.limit_at) and (before[0] or row.required):
            changes.append(f"{duty.title_ja} / {duty.title_en}: {'要' if duty.required else '不要'}"
                           f"{' ' + duty.due_at.strftime('%Y-%m-%d %H:%M UTC') if duty.due_at else ''}")
    session.flush()
    _refresh_next_due(incident)
    if changes:
        _note(session, incident, actor, now, "法的義務を再判定 / duties recomputed: " + "; ".join(changes))
    return bool(changes)


def _new_incident(session: Session, prefix: str, now: datetime, **fields) -> Incident:
    incident = Incident(reference=f"tmp-{uuid.uuid4().hex[:12]}", opened_at=now, facts={}, **fields)
    session.add(incident)
    session.flush()
    incident.reference = f"{prefix}-{now.year}-{incident.id:04d}"
    return incident


def open_from_possible_loss(session: Session, prefix: str, event: ev.PossibleLossDetected, now: datetime) -> Incident:
    """One incident per loss: a redelivered event (same event_id) finds the incident it opened."""
    existing = session.scalar(select(Incident).where(Incident.source_event_id == event.event_id))
    if existing is not None:
        return existing
    asset = event.asset
    title = f"{said.kind(asset.kind)} {asset.tag} の紛失の疑い / possible loss of {said.kind(asset.kind, 'en')} {asset.tag}"
    try:
        incident = _new_incident(
            session, prefix, now, status="suspected", origin="possible_loss", source_event_id=event.event_id,
            title=title, asset=asset.model_dump(mode="json"), holder=event.holder.model_dump(mode="json"),
            manager=event.manager.model_dump(mode="json") if event.manager else None,
            checkout=event.checkout.model_dump(mode="json"),
            ledger_inventory=event.data_inventory.model_dump(mode="json"),
            protection=event.protection.model_dump(mode="json"), aware_at=event.detected_at, opened_by="system")
        _note(session, incident, SYSTEM, now, f"{event.checkout.kiosk_id} で持ち出し / checked out at {event.checkout.kiosk_id}",
              at=event.checkout.checked_out_at, place=event.checkout.kiosk_id)
        _note(session, incident, SYSTEM, now, "返却予定時刻を過ぎても未返却 / not returned by the due time",
              at=event.checkout.due_at)
        _note(session, incident, SYSTEM, now, "紛失の疑いとしてインシデントを起票 / incident opened as a possible loss",
              at=event.detected_at)
        recompute(session, incident, now)
        outbox.add(session, ev.IncidentOpened.new(occurred_at=now, incident=views.summary(incident),
                                                  origin="possible_loss", source_event_id=event.event_id))
        session.commit()
    except IntegrityError:  # another replica opened it from the same delivery at the same moment
        session.rollback()
        return session.scalar(select(Incident).where(Incident.source_event_id == event.event_id))
    log.info("incident %s opened from possible loss event %s", incident.reference, event.event_id)
    return incident


def report_loss(session: Session, prefix: str, actor: Actor, data: dict, now: datetime,
                ledger: dict | None = None) -> Incident:
    """A person reports a loss directly, for an asset in the ledger (``ledger``: custody's get_asset) or not.

    The ledger's features, data inventory and protection come first; what the reporter adds to the
    inventory is kept too (a union, never a replacement).
    """
    actor.require("report_loss")
    form = schemas.parse(schemas.LossReported, data)
    asset = {"tag": form.asset_tag.upper(), "kind": form.kind, "model_number": form.model_number,
             "serial_number": form.serial_number, "description": form.description}
    inventory = ev.DataInventory(categories=tuple(form.categories), customer_ids=tuple(form.customer_ids),
                                 approx_persons=form.approx_persons, eu_data_subjects=form.eu_data_subjects)
    protection = ev.Protection(encryption=form.encryption, cipher=form.cipher,
                               key_stored_separately=form.key_stored_separately)
    if ledger:
        asset = ev.AssetFeatures.model_validate({k: ledger[k] for k in ev.AssetFeatures.model_fields}).model_dump()
        known = ev.DataInventory.model_validate(ledger["data_inventory"])
        inventory = ev.DataInventory(
            categories=tuple(dict.fromkeys((*known.categories, *inventory.categories))),
            customer_ids=tuple(dict.fromkeys((*known.customer_ids, *inventory.customer_ids))),
            approx_persons=max(known.approx_persons, inventory.approx_persons),
            eu_data_subjects=known.eu_data_subjects or inventory.eu_data_subjects)
        protection = ev.Protection.model_validate(ledger["protection"])
    holder = {"employee_number": form.holder_number, "name": form.holder_name, "email": form.holder_email} \
        if form.holder_number and form.holder_name and form.holder_email else None
    label = asset["tag"] or form.model_number or form.description[:30]
    kind = asset["kind"]
    incident = _new_incident(
        session, prefix, now, status="confirmed", origin="reported", source_event_id=None,
        title=f"{said.kind(kind)} {label} の紛失届 / reported loss of {said.kind(kind, 'en')} {label}",
        asset=asset, holder=holder, manager=None, checkout=None, ledger_inventory=inventory.model_dump(mode="json"),
        protection=protection.model_dump(mode="json"), aware_at=form.aware_at or now, opened_by=actor.name)
    _note(session, incident, actor, now, f"紛失の届出 / loss reported: {form.description}" +
          ("（台帳の情報を反映 / from the ledger）" if ledger else "（台帳外 / not in the ledger）"), kind="fact")
    recompute(session, incident, now, actor)
    outbox.add(session, ev.IncidentOpened.new(occurred_at=now, incident=views.summary(incident), origin="reported"))
    session.commit()
    return incident


def _dropped(incident: Incident, report: schemas.LossReport) -> str | None:
    """A category or customer the ledger or the previous version named, missing from this version."""
    named = {d.category for d in report.data} | {c.customer_id for c in report.customers}
    before = [*incident.ledger_inventory.get("categories", []), *incident.ledger_inventory.get("customer_ids", [])]
    if incident.reports:
        last = incident.reports[-1].body
        before += [d["category"] for d in last["data"]] + [c["customer_id"] for c in last["customers"]]
    return next((key for key in before if key not in named), None)


def _report_changes(before: dict, after: dict) -> str:
    """Which parts of the report a new version changed, for the timeline."""
    changed = [part for part in ("data", "customers", "eu_data_subjects", "forgotten", "forgotten_detail", "features",
                                 "last_seen_at", "last_seen_place", "circumstances", "movements", "told",
                                 "lost_or_stolen") if before.get(part) != after.get(part)]
    return "変更 / changed: " + (", ".join(changed) if changed else "なし / none")


def submit_report(session: Session, actor: Actor, incident_id, data: dict, now: datetime) -> ReportVersion:
    """A new version of the loss report; every fact in it goes onto the timeline."""
    actor.require("submit_report")
    incident = _live(session, incident_id)
    report = schemas.parse(schemas.LossReport, data)
    if missing := _dropped(incident, report):
        raise IncidentRefusal("report_drops_data", {"item": missing})
    unanswered = [key for key in schemas.FORGOTTEN if key not in report.forgotten]
    if unanswered:
        raise IncidentRefusal("report_incomplete", {"problem": "未回答 / not answered: " + ", ".join(unanswered)})
    if unknown := set(report.forgotten) - set(schemas.FORGOTTEN):
        raise IncidentRefusal("invalid_input", {"field": "forgotten", "problem": ", ".join(sorted(unknown))})
    for item in [*report.data, *report.customers]:
        if item.present == "no" and not item.note:
            key = getattr(item, "category", None) or item.customer_id
            raise IncidentRefusal("report_incomplete", {"problem": f"「{key}」が該当しない理由 / why {key} does not apply"})
    version = len(incident.reports) + 1
    previous = incident.reports[-1].body if incident.reports else None
    row = ReportVersion(incident=incident, version=version, submitted_by=actor.name, submitted_at=now,
                        body=report.model_dump(mode="json"))
    session.add(row)
    # a new version repeats the facts of the last one: only what is new goes onto the timeline
    known = {(e.at, e.place, e.text) for e in incident.timeline}
    seen_text = f"最後に確認 / last seen: {report.circumstances}"
    facts = [(report.last_seen_at, report.last_seen_place, seen_text, "fact")]
    facts += [(move.at, move.place, move.text, "fact") for move in report.movements]
    facts += [(told.at, "", f"{told.who} に連絡 / told {told.who}" + (f" ({told.how})" if told.how else ""), "told")
              for told in report.told]
    for at, place, text, kind in facts:
        if (at, place, text) not in known:
            _note(session, incident, actor, now, text, at=at, kind=kind, place=place)
            known.add((at, place, text))
    _note(session, incident, actor, now, f"紛失報告 第{version}版を提出 / loss report version {version} submitted" +
          ("" if previous is None else " (" + _report_changes(previous, row.body) + ")"))
    if report.lost_or_stolen == "stolen" and not incident.facts.get("improper_purpose_suspected"):
        incident.facts = incident.facts | {"improper_purpose_suspected": True}  # theft is APPI case 3
    if incident.status == "suspected":
        incident.status = "confirmed"
    session.flush()
    session.refresh(incident, ["reports"])
    recompute(session, incident, now, actor)
    _updated(session, incident, now, "report", f"loss report version {version}")
    session.commit()
    return row


def add_timeline(session: Session, actor: Actor, incident_id, data: dict, now: datetime) -> TimelineEntry:
    """A fact for the timeline; ``supersedes`` names an entry it corrects (which stays, marked superseded)."""
    actor.require("add_timeline")
    incident = _live(session, incident_id)
    move = schemas.parse(schemas.Movement, {k: data[k] for k in ("at", "place", "text") if k in data})
    kind = data.get("kind", "fact")
    if kind not in ("fact", "told"):
        raise IncidentRefusal("invalid_input", {"field": "kind", "problem": "fact or told",
                                                "problem_ja": "fact（事実）か told（連絡）"})
    supersedes = data.get("supersedes")
    if supersedes in ("", None):
        supersedes = None
    elif not str(supersedes).isdigit():
        raise IncidentRefusal("invalid_input", {"field": "supersedes", "problem": "not an entry number",
                                                "problem_ja": "経過の番号ではありません"})
    if supersedes is not None:
        old = session.get(TimelineEntry, int(supersedes))
        if old is None or old.incident_id != incident.id:
            raise IncidentRefusal("entry_unknown", {"what": "timeline", "key": supersedes})
        if session.scalar(select(TimelineEntry.id).where(TimelineEntry.supersedes_id == old.id)):
            raise IncidentRefusal("invalid_input", {"field": "supersedes", "problem": "already superseded",
                                                    "problem_ja": "すでに訂正済みの記録です"})
    entry = _note(session, incident, actor, now, move.text, at=move.at, kind=kind, place=move.place,
                  supersedes=int(supersedes) if supersedes is not None else None)
    session.commit()
    return entry


def set_facts(session: Session, actor: Actor, incident_id, data: dict, now: datetime) -> bool:
    actor.require("set_facts")
    incident = _live(session, incident_id)
    given = schemas.parse(schemas.Facts, data).model_dump(mode="json", exclude_unset=True)
    if aware := given.pop("aware_at", None):
        incident.aware_at = datetime.fromisoformat(aware)
    incident.facts = incident.facts | given
    _note(session, incident, actor, now, "判断事項を更新 / assessment facts changed: " +
          ", ".join(f"{k}={v}" for k, v in given.items()) + (f", aware_at={aware}" if aware else ""))
    changed = recompute(session, incident, now, actor)
    _updated(session, incident, now, "duties" if changed else "status", "facts changed")
    session.commit()
    return changed


def mark_duty_done(session: Session, actor: Actor, incident_id, code: str, note: str, now: datetime) -> None:
    actor.require("mark_duty_done")
    incident = _live(session, incident_id)
    duty = next((d for d in incident.duties if d.code == code), None)
    if duty is None:
        raise IncidentRefusal("entry_unknown", {"what": "duty", "key": code})
    duty.done_at, duty.done_by, duty.done_note = now, actor.name, (note or "")[:2000]
    _note(session, incident, actor, now, f"{duty.title_ja} を完了 / {duty.title_en} done" + (f": {note}" if note else ""))
    _refresh_next_due(incident)
    _updated(session, incident, now, "duties", f"{code} done")
    session.commit()


def on_recovered(session: Session, event: ev.AssetRecovered, now: datetime) -> list[Incident]:
    """The asset came back: its live incidents become *recovered*; the team decides whether to close."""
    found = _for_asset(session, event.tag, ("suspected", "confirmed"))
    for incident in found:
        incident.status, incident.recovered_at = "recovered", event.recovered_at
        who = event.returned_by.name if event.returned_by else "—"
        _note(session, incident, SYSTEM, now, f"{event.kiosk_id} で返却され回収 / recovered at {event.kiosk_id} "
                                              f"(returned by {who})", at=event.recovered_at, place=event.kiosk_id)
        _updated(session, incident, now, "recovered")
    session.commit()
    return found


def on_marked_lost(session: Session, event: ev.AssetMarkedLost, now: datetime) -> list[Incident]:
    """The ledger now says lost: a suspected incident for that asset is confirmed."""
    found = _for_asset(session, event.tag, ("suspected",))
    for incident in found:
        incident.status = "confirmed"
        _note(session, incident, SYSTEM, now, "台帳で紛失と確定 / marked lost in the ledger" +
              (f": {event.reason}" if event.reason else ""), at=event.occurred_at)
        _updated(session, incident, now, "status", "marked lost")
    session.commit()
    return found


def record_review(session: Session, actor: Actor, incident_id, data: dict, now: datetime) -> None:
    actor.require("record_review")
    incident = _live(session, incident_id)
    review = schemas.parse(schemas.ReviewInput, data)
    causes = [c.model_dump() for c in review.causes]
    if incident.review is None:
        session.add(Review(incident=incident, causes=causes, updated_at=now, updated_by=actor.name))
    else:
        incident.review.causes, incident.review.updated_at, incident.review.updated_by = causes, now, actor.name
    _note(session, incident, actor, now, "原因分析を記録 / review recorded: " + "; ".join(f"[{c['category']}] {c['text']}"
                                                                                    for c in causes))
    _updated(session, incident, now, "review")
    session.commit()


def add_action(session: Session, actor: Actor, incident_id, data: dict, now: datetime) -> PreventionAction:
    actor.require("add_action")
    incident = _live(session, incident_id)
    form = schemas.parse(schemas.ActionInput, data)
    action = PreventionAction(incident=incident, description=form.description, owner=form.owner, due_on=form.due_on,
                              status="open", created_at=now, created_by=actor.name)
    session.add(action)
    _note(session, incident, actor, now, f"再発防止策を追加 / prevention action added: {form.description} "
                                         f"({form.owner}, {form.due_on.isoformat()})")
    _updated(session, incident, now, "review", "prevention action added")
    session.commit()
    return action


def update_action(session: Session, actor: Actor, incident_id, action_id: int, status: str, now: datetime) -> None:
    actor.require("update_action")
    incident = _live(session, incident_id)
    action = next((a for a in incident.actions if a.id == int(action_id)), None)
    if action is None:
        raise IncidentRefusal("entry_unknown", {"what": "action", "key": action_id})
    if status not in ("open", "in_progress", "done"):
        raise IncidentRefusal("invalid_input", {"field": "status", "problem": "open, in_progress or done",
                                                "problem_ja": "open（未着手）、in_progress（対応中）、done（完了）のどれか"})
    action.status, action.done_at = status, now if status == "done" else None
    _note(session, incident, actor, now, f"再発防止策「{action.description}」→ {status} / prevention action -> {status}")
    _updated(session, incident, now, "review", f"action {action.id} {status}")
    session.commit()


def record_measure(session: Session, actor: Actor, incident_id, data: dict, now: datetime) -> EmployeeMeasure:
    actor.require("record_measure")
    incident = get(session, incident_id)  # measures may follow the closing
    form = schemas.parse(schemas.MeasureInput, data)
    notes = measures.check(form)
    measure = EmployeeMeasure(incident=incident, kind=form.kind, details=form.model_dump(mode="json"), notes=notes,
                              decided_by=actor.name, decided_at=now)
    session.add(measure)
    _note(session, incident, actor, now, f"従業員への措置を記録 / measure toward the employee recorded: {form.kind}")
    _updated(session, incident, now, "measure", form.kind)
    session.commit()
    return measure


def close(session: Session, actor: Actor, incident_id, resolution: str, reason: str, now: datetime,
          override_reason: str = "") -> Incident:
    """Close as "no leak" (recovered before anyone could see the data) or "resolved"; open actions need a reason."""
    actor.require("close")
    incident = _live(session, incident_id)
    if resolution not in ("no_leak", "resolved"):
        raise IncidentRefusal("invalid_input", {"field": "resolution", "problem": "no_leak or resolved",
                                                "problem_ja": "no_leak（漏えいなし）か resolved（対応完了）"})
    if not (reason or "").strip():
        raise IncidentRefusal("invalid_input", {"field": "reason", "problem": "理由が必要です / a reason is needed"})
    if resolution == "no_leak" and incident.status != "recovered":
        raise IncidentRefusal("not_recovered")
    still_open = [a for a in incident.actions if a.status != "done"]
    if still_open and resolution == "resolved":
        if not override_reason.strip():
            raise IncidentRefusal("actions_open", {"count": len(still_open)})
        actor.require("close_with_open_actions")
        _note(session, incident, actor, now, f"未完了の対策 {len(still_open)} 件を残してクローズ / closed with "
                                             f"{len(still_open)} open action(s): {override_reason}")
    incident.status, incident.closed_at, incident.closed_by = "closed", now, actor.name
    incident.resolution, incident.close_reason, incident.next_due_at = resolution, reason.strip(), None
    _note(session, incident, actor, now, f"クローズ（{resolution}）/ closed ({resolution}): {reason.strip()}")
    session.flush()
    outbox.add(session, ev.IncidentClosed.new(occurred_at=now, incident=views.summary(incident),
                                              resolution=resolution, closed_by=actor.name, reason=reason.strip()))
    session.commit()
    return incident
