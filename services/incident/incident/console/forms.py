"""Posted forms turned into the dicts the use cases take, and back: which input a refused field path names.

Lenient on purpose: a bad value is passed on as typed (an empty one as None), so the use case refuses it with its
own message and the page can show the form as it was sent, with the refused input marked."""
from __future__ import annotations

import re
from datetime import datetime, tzinfo

from werkzeug.datastructures import MultiDict

from incident.schemas import FORGOTTEN


def aware(value: str, tz: tzinfo) -> str | None:
    """A datetime-local value in the console's zone, as an ISO time with its offset; None when empty."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    return (when if when.utcoffset() is not None else when.replace(tzinfo=tz)).isoformat()


def _kept(form: MultiDict, prefix: str, fields: tuple[str, ...]) -> list[tuple[int, dict]]:
    found = {int(m.group(1)) for key in form if (m := re.fullmatch(rf"{prefix}-(\d+)-\w+", key))}
    out = []
    for i in sorted(found):
        row = {f: form.get(f"{prefix}-{i}-{f}", "").strip() for f in fields}
        if any(row.values()):
            out.append((i, row))
    return out


def rows(form: MultiDict, prefix: str, fields: tuple[str, ...]) -> list[dict]:
    """Indexed rows (``data-0-category``, ...); a row left wholly empty is not a row."""
    return [row for _, row in _kept(form, prefix, fields)]


# model path -> input names: list fields become indexed rows, nested models flat names
ROWS = {"data": ("data", ("category", "present", "note")),
        "customers": ("customer", ("customer_id", "persons", "present", "note")),
        "movements": ("move", ("at", "place", "text")), "told": ("told", ("at", "who", "how")),
        "causes": ("cause", ("category", "text"))}
NESTED = {"features": "", "legal_review": "review_", "forgotten": "forgotten-"}
WHOLE = ("categories", "customer_ids")  # one input holds the whole list


def input_for(path: str, form: MultiDict, reindexed: bool = False) -> tuple[str, int | None]:
    """The input a refused field path names, and its row as the form numbers it (from 1). ``reindexed``: the page
    shows the rows as the use case got them (empty rows dropped), not as they were posted."""
    head, _, rest = path.partition(".")
    if head in ROWS and rest.split(".")[0].isdigit():
        prefix, fields = ROWS[head]
        index, _, name = rest.partition(".")
        kept = [i for i, _ in _kept(form, prefix, fields)]
        n = int(index) if reindexed or int(index) >= len(kept) else kept[int(index)]
        return f"{prefix}-{n}-{name or fields[0]}", n + 1
    if head in NESTED and rest:
        return NESTED[head] + rest, None
    return head if head in WHOLE else path, None


def _checked(form: MultiDict, name: str) -> bool:
    return name in form


def _number(value: str):
    value = (value or "").replace(",", "").strip()
    return None if value == "" else value


def _with_times(items: list[dict], tz: tzinfo) -> list[dict]:
    return [row | {"at": aware(row["at"], tz)} for row in items]


def loss_report(form: MultiDict, tz: tzinfo) -> dict:
    """schemas.LossReport."""
    return {
        "data": rows(form, *ROWS["data"]),
        "customers": [row | {"persons": _number(row["persons"])} for row in rows(form, *ROWS["customers"])],
        "eu_data_subjects": _checked(form, "eu_data_subjects"),
        "forgotten": {key: form[f"forgotten-{key}"] for key in FORGOTTEN if form.get(f"forgotten-{key}")},
        "forgotten_detail": form.get("forgotten_detail", ""),
        "features": {"model_number_confirmed": _checked(form, "model_number_confirmed"),
                     "serial_number_confirmed": _checked(form, "serial_number_confirmed"),
                     **{k: form.get(k, "") for k in ("colour", "shape", "stickers", "case")}},
        "last_seen_at": aware(form.get("last_seen_at", ""), tz),
        "last_seen_place": form.get("last_seen_place", ""),
        "circumstances": form.get("circumstances", ""),
        "movements": _with_times(rows(form, *ROWS["movements"]), tz),
        "told": _with_times(rows(form, *ROWS["told"]), tz),
        "lost_or_stolen": form.get("lost_or_stolen", "unknown"),
    }


def loss_reported(form: MultiDict, tz: tzinfo) -> dict:
    """schemas.LossReported (a loss reported directly)."""
    data = {k: form[k] for k in ("asset_tag", "kind", "model_number", "serial_number", "description", "holder_name",
                                 "holder_number", "holder_email", "encryption", "cipher") if k in form}
    data |= {"categories": form.getlist("categories"),
             "customer_ids": [c for c in re.split(r"[\s,、]+", form.get("customer_ids", "")) if c],
             "approx_persons": _number(form.get("approx_persons", "")) or 0,
             "eu_data_subjects": _checked(form, "eu_data_subjects"),
             "key_stored_separately": _checked(form, "key_stored_separately")}
    if when := aware(form.get("aware_at", ""), tz):
        data["aware_at"] = when
    return data


def timeline(form: MultiDict, tz: tzinfo) -> dict:
    data = {"at": aware(form.get("at", ""), tz), "place": form.get("place", ""), "text": form.get("text", ""),
            "kind": form.get("kind", "fact")}
    if form.get("supersedes"):
        data["supersedes"] = form["supersedes"]
    return data


def facts(form: MultiDict, tz: tzinfo) -> dict:
    data = {k: _checked(form, k) for k in ("improper_purpose_suspected", "all_data_in_encrypted_files",
                                           "persons_contactable", "gdpr_unlikely_risk")}
    data["gdpr_high_risk"] = {"yes": True, "no": False}.get(form.get("gdpr_high_risk", ""))
    if when := aware(form.get("aware_at", ""), tz):
        data["aware_at"] = when
    return data


def review(form: MultiDict) -> dict:
    return {"causes": rows(form, *ROWS["causes"])}


def action(form: MultiDict) -> dict:
    return {k: form.get(k, "") for k in ("description", "owner")} | {"due_on": form.get("due_on") or None}


def measure(form: MultiDict) -> dict:
    """schemas.MeasureInput: only the fields the kind's form has."""
    kind = form.get("kind", "")
    data = {"kind": kind, "employee_number": form.get("employee_number", ""), "summary": form.get("summary", "")}
    for key in ("actual_cost_yen", "claimed_yen"):
        if key in form:
            data[key] = _number(form[key])
    if kind == "cost_claim":
        data |= {"penalty_fixed_in_advance": _checked(form, "penalty_fixed_in_advance"),
                 "negligence": form.get("negligence", "ordinary")}
    if kind == "disciplinary":
        data["disciplinary_action"] = form.get("disciplinary_action") or None
        review_fields = {k: form.get(f"review_{k}", "").strip() for k in ("reviewer", "reviewed_on", "conclusion")}
        if any(review_fields.values()):
            data["legal_review"] = review_fields | {"reviewed_on": review_fields["reviewed_on"] or None}
    if kind == "reprimand":
        data["announce_company_wide"] = _checked(form, "announce_company_wide")
    if kind == "written_report":
        data |= {"submitted_on": form.get("submitted_on") or None, "signed_by": form.get("signed_by", "")}
    return data
