"""How an incident is shown: the contract summary for events, and the full file for RPCs and the console."""
from __future__ import annotations

from datetime import timezone, tzinfo

from contracts.events import (AssetFeatures, CheckoutFacts, DataInventory, DeadlineFacts, IncidentSummary, Person,
                              Protection)
from incident import domain, texts
from incident import duties as rules
from incident.measures import note_text
from incident.models import DutyState, Incident
from incident.texts import Said, timeline


def inventory(incident: Incident) -> DataInventory:
    """What may have been on the device: the latest report's confirmed inventory, else the ledger's."""
    return domain.inventory(incident.ledger_inventory, incident.reports[-1].body if incident.reports else None)


def facts(incident: Incident) -> rules.Facts:
    known = incident.facts
    return rules.Facts(inventory=inventory(incident), protection=Protection.model_validate(incident.protection),
                       aware_at=incident.aware_at,
                       improper_purpose_suspected=known.get("improper_purpose_suspected", False),
                       all_data_in_encrypted_files=known.get("all_data_in_encrypted_files", False),
                       persons_contactable=known.get("persons_contactable", True),
                       gdpr_unlikely_risk=known.get("gdpr_unlikely_risk", False),
                       gdpr_high_risk=known.get("gdpr_high_risk"))


def assessment(incident: Incident) -> rules.Assessment:
    """The duties as the current facts give them."""
    return rules.assess(facts(incident))


def open_duties(incident: Incident) -> list[DutyState]:
    """Required, not yet done, with a deadline: nearest first."""
    return domain.nearest_first(d for d in incident.duties if d.done_at is None)


def deadline(duty: DutyState) -> DeadlineFacts:
    return DeadlineFacts(duty_code=duty.code, title_ja=duty.title_ja, title_en=duty.title_en, law=duty.law,
                         due_at=duty.due_at, hard_limit=duty.hard_limit)


def summary(incident: Incident) -> IncidentSummary:
    nearest = open_duties(incident)
    return IncidentSummary(
        incident_id=incident.id, reference=incident.reference, status=incident.status, title=incident.title,
        asset=AssetFeatures.model_validate(incident.asset) if incident.asset and incident.asset.get("tag") else None,
        holder=Person.model_validate(incident.holder) if incident.holder else None,
        manager=Person.model_validate(incident.manager) if incident.manager else None,
        aware_at=incident.aware_at, next_deadline=deadline(nearest[0]) if nearest else None,
        open_deadlines=tuple(deadline(duty) for duty in nearest),
        title_ja=texts.title(incident.origin, incident.asset, "ja"),
        title_en=texts.title(incident.origin, incident.asset, "en"))


def opening(incident: Incident) -> dict:
    """What ``incident_opened`` adds to the summary: the checkout, the data and the protection."""
    return {"checkout": CheckoutFacts.model_validate(incident.checkout) if incident.checkout else None,
            "data_inventory": inventory(incident), "protection": Protection.model_validate(incident.protection)}


def no_deadline(incident: Incident) -> tuple[str, Said] | None:
    """Why no deadline runs, when none does: (``no_data`` | ``none_required`` | ``all_done`` | ``no_time_limit``, why)."""
    if open_duties(incident):
        return None
    required = [d for d in incident.duties if d.required]
    if required and all(d.done_at for d in required):
        return "all_done", Said("法的義務はすべて完了しています", "Every legal duty is done")
    if required:
        return "no_time_limit", Said("残っている義務には法定の期限がありません", "The duties left have no legal time limit")
    said = rules.why_none_required(assessment(incident), inventory(incident))
    return ("no_data" if said is rules.NO_DATA else "none_required"), said


def entry_text(entry, lang: str, tz: tzinfo) -> str:
    """A timeline entry in one language and zone (typed text as typed)."""
    return timeline.render(entry.code, entry.params, entry.text, lang, tz)


def _no_deadline(incident: Incident) -> dict | None:
    why = no_deadline(incident)
    return {"code": why[0], **why[1].as_dict()} if why else None


def _time(value):
    return value.isoformat() if value is not None else None


def detail(incident: Incident, tz: tzinfo = timezone.utc) -> dict:
    """The whole file: everything the incident page shows. Timeline entries carry their code and parameters, and
    ``said`` in both languages (times in ``tz``); duty reasons are ``{"ja", "en"}`` pairs."""
    superseded = {e.supersedes_id for e in incident.timeline if e.supersedes_id}
    assessed = assessment(incident)
    return {
        "summary": summary(incident).model_dump(mode="json"),
        "origin": incident.origin, "opened_at": _time(incident.opened_at), "opened_by": incident.opened_by,
        "asset": incident.asset, "checkout": incident.checkout, "protection": incident.protection,
        "ledger_inventory": incident.ledger_inventory, "inventory": inventory(incident).model_dump(mode="json"),
        "facts": incident.facts, "recovered_at": _time(incident.recovered_at),
        "closed_at": _time(incident.closed_at), "closed_by": incident.closed_by, "resolution": incident.resolution,
        "close_reason": incident.close_reason,
        "reports": [{"version": r.version, "submitted_by": r.submitted_by, "submitted_at": _time(r.submitted_at),
                     "body": r.body} for r in incident.reports],
        "timeline": [{"id": e.id, "at": _time(e.at), "recorded_at": _time(e.recorded_at), "recorded_by": e.recorded_by,
                      "kind": e.kind, "place": e.place, "text": e.text, "code": e.code, "params": e.params,
                      "said": {lang: entry_text(e, lang, tz) for lang in texts.LANGUAGES},
                      "supersedes": e.supersedes_id, "superseded": e.id in superseded} for e in incident.timeline],
        "duties": [{"code": d.code, "law": d.law, "title_ja": d.title_ja, "title_en": d.title_en,
                    "required": d.required, "target_at": _time(d.target_at), "limit_at": _time(d.limit_at),
                    "due_at": _time(d.due_at), "reasons": d.reasons, "done_at": _time(d.done_at),
                    "done_by": d.done_by, "done_note": d.done_note} for d in incident.duties],
        "appi_cases": list(assessed.appi_cases), "encryption_exempt": assessed.encryption_exempt,
        "reasoning": [line.as_dict() for line in assessed.reasoning],
        "no_deadline": _no_deadline(incident),
        "review": {"causes": incident.review.causes, "updated_by": incident.review.updated_by,
                   "updated_at": _time(incident.review.updated_at)} if incident.review else None,
        "actions": [{"id": a.id, "description": a.description, "owner": a.owner, "due_on": a.due_on.isoformat(),
                     "status": a.status, "done_at": _time(a.done_at)} for a in incident.actions],
        "measures": [{"id": m.id, "kind": m.kind, "details": m.details, "decided_by": m.decided_by,
                      "decided_at": _time(m.decided_at),
                      "notes": [{"code": n, "ja": note_text(n, "ja"), "en": note_text(n, "en")} for n in m.notes]}
                     for m in incident.measures],
    }
