"""The console in the reader's language and the configured zone: the template helpers.

What the service says lives in ``incident.texts`` (codes as words, timeline entries, form fields and the sentences
of validation problems); this module only picks the reader's language (``auth.lang``) and the console's zone.
Text that belongs to one page is written in its template as ``T("日本語", "English")``.
"""
from __future__ import annotations

from datetime import datetime
from typing import get_args

from flask import Flask, current_app, g, request
from markupsafe import Markup

from contracts import words
from contracts.errors import INCIDENT_MESSAGES, IncidentRefusal
from contracts.events import AssetKind, DataCategory, Encryption
from incident import duties, texts
from incident.console import auth, now
from incident.measures import NOTES
from incident.texts import fields, timeline


def T(ja: str, en: str) -> str:
    """Page text in the reader's language."""
    return ja if auth.lang() == "ja" else en


def tz():
    return current_app.extensions["incident_tz"]


def label(code) -> str:
    """A code in words (incident.texts.LABELS)."""
    return texts.label(code, auth.lang())


def kind_label(code) -> str:
    """Asset kinds, data categories and encryption read as in e-mails and at the kiosk (contracts.words)."""
    return words.kind(code, auth.lang())


def colour_label(value) -> str:
    """A ledger colour in the reader's language when it is a common word (contracts.words)."""
    return words.colour(value, auth.lang())


def category_label(code) -> str:
    return words.category(code, auth.lang())


def encryption_label(code) -> str:
    return words.encryption(code, auth.lang())


def say(text) -> str:
    """A stored pair (``{"ja", "en"}``, or an older "日本語 / English" text) in the reader's language."""
    return texts.say(text, auth.lang())


def entry(e: dict) -> str:
    """A timeline entry of ``views.detail`` in the reader's language and the console's zone."""
    return timeline.render(e.get("code"), e.get("params"), e["text"], auth.lang(), tz())


def law(citation: str) -> str:
    return duties.law(citation, auth.lang())


def title(incident) -> str:
    return texts.title(incident.origin, incident.asset, auth.lang())


def F(form: str, path: str) -> str:
    """A form field's label, the same one a validation message names it by."""
    return fields.field_label(form, path, auth.lang())


def join(items) -> str:
    return texts.join(items, auth.lang())


def zoned(text: str) -> str:
    """A time input's label with the console's zone, in which what is typed there counts: 日時（JST）/ Time (JST)."""
    zone = now().astimezone(tz()).strftime("%Z")
    return T(f"{text}（{zone}）", f"{text} ({zone})")


def _aware(value) -> datetime | None:
    if not isinstance(value, (str, datetime)) or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if value.utcoffset() is not None else None


def local(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A time in the console's zone, with the zone shown."""
    return texts.when(_aware(value), tz(), fmt)


def local_cell(value) -> Markup:
    """A time for a table cell: it may break between the date and the clock, never inside either."""
    shown = local(value)
    if not shown:
        return Markup("")
    day, _, clock = shown.partition(" ")
    return Markup('<span class="nowrap">{}</span> <span class="nowrap">{}</span>').format(day, clock)


def input_time(value) -> str:
    """For a datetime-local input: the local time, or what was typed if it was not a time."""
    if when := _aware(value):
        return when.astimezone(tz()).strftime("%Y-%m-%dT%H:%M")
    return value if isinstance(value, str) else ""


def left(value) -> str:
    """Time left until a deadline, or how late it is."""
    when = _aware(value)
    if when is None:
        return ""
    seconds = int((when - now()).total_seconds())
    days, rest = divmod(abs(seconds), 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    span = T(f"{days}日{hours}時間", f"{days}d {hours}h") if days else T(f"{hours}時間{minutes}分", f"{hours}h {minutes}m")
    return T(f"残り {span}", f"{span} left") if seconds >= 0 else T(f"{span} 超過", f"{span} overdue")


def overdue(value) -> bool:
    when = _aware(value)
    return when is not None and when < now()


def refusal_text(exc: IncidentRefusal, form_table: str | None = None, row: int | None = None) -> str:
    """A refusal in the reader's language; a validation problem as a sentence naming the field by the form's label."""
    if exc.code == "invalid_input" and form_table:
        return fields.sentence(form_table, exc.params, auth.lang(), row)
    return exc.message(auth.lang())


def bad(form: str, name: str) -> Markup:
    """Inside the input's tag: marks the field a refusal names (aria-invalid, the message, a target to jump to)."""
    if g.get("invalid") != (form, name):
        return Markup("")
    return Markup(' aria-invalid="true" aria-describedby="refusal" id="invalid-field"')


def install(app: Flask) -> None:
    app.jinja_env.globals.update(T=T, label=label, kind_label=kind_label, category_label=category_label,
                                 colour_label=colour_label,
                                 encryption_label=encryption_label, say=say, entry=entry, law=law, title=title, F=F, join=join,
                                 zoned=zoned, bad=bad, may=auth.may, csrf_token=auth.csrf_token, lang=auth.lang,
                                 here=lambda: request.full_path.rstrip("?"), notes=NOTES, refusals=INCIDENT_MESSAGES,
                                 categories=get_args(DataCategory), kinds=get_args(AssetKind),
                                 encryptions=get_args(Encryption), delivery_statuses=texts.DELIVERY_STATUSES,
                                 delivery_templates=texts.DELIVERY_TEMPLATES)
    app.jinja_env.filters.update(local=local, local_cell=local_cell, input_time=input_time, left=left, overdue=overdue,
                                 category=category_label)
