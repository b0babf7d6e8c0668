"""Render an e-mail (subject, text, HTML) from a template in the wanted language."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from contracts.events import PossibleLossDetected
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, UndefinedError, pass_context

from contracts import words as said
from notify import words
from notify.exceptions import RenderError

TEMPLATES = Path(__file__).parent / "templates"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# StrictUndefined says "'x' is undefined" or "'dict object' has no attribute 'x'"
_MISSING = re.compile(r"(?:has no attribute|^) ?'([^']+)'(?: is undefined)?$")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _in_lang(fn):
    """Wrap a words helper as a filter that takes the language from the template's context."""
    @pass_context
    def filter_(context, value):
        return fn(value, context["lang"])
    return filter_


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """One environment per process, built on first use (nothing is built at import time)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        # only HTML is escaped: escaping the subject or the text part would show &lt; to the reader
        autoescape=lambda name: bool(name) and name.endswith(".html"),
        keep_trailing_newline=True,
    )
    env.filters.update(word=_in_lang(words.word), kind=_in_lang(said.kind), encryption=_in_lang(said.encryption),
                       categories=_in_lang(words.categories), upper_first=said.upper_first,
                       when=_in_lang(words.when), yes_no=_in_lang(words.yes_no), count=words.count)
    return env


def _language(template: str, lang: str) -> str:
    """The language to use: the one asked for when the template has it, else Japanese."""
    for candidate in (lang, words.DEFAULT_LANG):
        if _NAME.match(candidate) and (TEMPLATES / template / candidate / "subject.txt").is_file():
            return candidate
    raise RenderError(template, None, f"no such template (looked in {TEMPLATES})")


def render(template: str, lang: str, variables: dict) -> Rendered:
    """Render subject, text and HTML; a missing variable raises RenderError naming it."""
    if not _NAME.match(template):
        raise RenderError(template, None, "template names are lower-case words")
    lang = _language(template, lang)
    env = _environment()
    context = {**variables, "lang": lang}
    parts = {}
    for part in ("subject.txt", "body.txt", "body.html"):
        try:
            parts[part] = env.get_template(f"{template}/{lang}/{part}").render(context)
        except UndefinedError as exc:
            found = _MISSING.search(str(exc))
            raise RenderError(template, found.group(1) if found else None, str(exc)) from exc
        except TemplateNotFound as exc:
            raise RenderError(template, None, f"missing file {exc.name}") from exc
    # a subject is one line; a stray newline from the template file itself is not an injection
    return Rendered(subject=parts["subject.txt"].strip(), text=parts["body.txt"], html=parts["body.html"])


def variables_for_possible_loss(event: PossibleLossDetected, security_contact: str) -> dict:
    """The variables both possible-loss templates use, taken from the event's snapshot."""
    return {
        "asset": event.asset.model_dump(),
        "data": event.data_inventory.model_dump(),
        "protection": event.protection.model_dump(),
        "holder": event.holder.model_dump(),
        "manager": event.manager.model_dump() if event.manager else None,
        "checkout": event.checkout.model_dump(),
        "detected_at": event.detected_at,
        "security_contact": security_contact,
    }
