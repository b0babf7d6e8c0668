"""Render an e-mail (subject, text, HTML) from a template in the wanted language.

A template is one ``body.j2`` per language, rendered twice from the same blocks (``_blocks.j2``): once as
HTML with every value escaped, once as plain text. So the two parts cannot drift apart.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, UndefinedError, pass_context

from contracts import words as said
from notify import words
from notify.exceptions import RenderError

TEMPLATES = Path(__file__).parent / "templates"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# StrictUndefined says "'x' is undefined" or "'dict object' has no attribute 'x'"
_MISSING = re.compile(r"(?:has no attribute|^) ?'([^']+)'(?: is undefined)?$")
_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANKS = re.compile(r"\n{3,}")
_HEADING = re.compile(r"^([■*] .+)\n\n+", re.MULTILINE)  # a heading sits right above what it heads


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


@pass_context
def _when(context, moment):
    return words.when(moment, context["lang"], context["zone"])


@pass_context
def _deadline_rows(context, deadlines) -> list[tuple[str, str]]:
    """Open duties as (duty and its law, due time and whether it is a legal limit) in the reader's language."""
    lang = context["lang"]
    rows = []
    for d in deadlines:
        due, law = words.when(d["due_at"], lang, context["zone"]), words.law(d["law"], lang)
        if lang == "en":
            rows.append((f"{d['title_en']} ({law})", f"{due} ({'legal limit' if d['hard_limit'] else 'target'})"))
        else:
            rows.append((f"{d['title_ja']}（{law}）", f"{due}（{'法定期限' if d['hard_limit'] else '目安'}）"))
    return rows


@lru_cache(maxsize=1)
def _environments() -> dict[str, Environment]:
    """One environment per part and process, built on first use (nothing is built at import time)."""
    out = {}
    for part in ("text", "html"):
        # only HTML is escaped: escaping the subject or the text part would show &lt; to the reader
        env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, autoescape=part == "html",
                          trim_blocks=True, lstrip_blocks=True)
        env.globals["html"] = part == "html"
        env.filters.update(word=_in_lang(words.word), kind=_in_lang(said.kind), encryption=_in_lang(said.encryption),
                           colour=_in_lang(said.colour), categories=_in_lang(words.categories),
                           law=_in_lang(words.law), upper_first=said.upper_first, when=_when,
                           deadline_rows=_deadline_rows, yes_no=_in_lang(words.yes_no), count=words.count)
        out[part] = env
    return out


def _language(template: str, lang: str) -> str:
    """The language to use: the one asked for when the template has it, else Japanese."""
    for candidate in (lang, words.DEFAULT_LANG):
        if _NAME.match(candidate) and (TEMPLATES / template / candidate / "subject.txt").is_file():
            return candidate
    raise RenderError(template, None, f"no such template (looked in {TEMPLATES})")


def _tidy(text: str) -> str:
    """Blank lines between blocks as one, no trailing spaces (but the signature line ``-- ``)."""
    text = _TRAILING.sub("", text).replace("\n--\n", "\n-- \n")
    return _HEADING.sub(r"\1\n", _BLANKS.sub("\n\n", text)).strip("\n") + "\n"


def render(template: str, lang: str, variables: dict, zone: str = words.DEFAULT_ZONE) -> Rendered:
    """Render subject, text and HTML; a missing variable raises RenderError naming it."""
    if not _NAME.match(template):
        raise RenderError(template, None, "template names are lower-case words")
    lang = _language(template, lang)
    env = _environments()
    context = {**variables, "lang": lang, "zone": zone}
    jobs = {"subject": ("text", "subject.txt"), "text": ("text", "body.j2"), "html": ("html", "body.j2")}
    parts = {}
    for part, (kind, name) in jobs.items():
        try:
            parts[part] = env[kind].get_template(f"{template}/{lang}/{name}").render(context)
        except UndefinedError as exc:
            found = _MISSING.search(str(exc))
            raise RenderError(template, found.group(1) if found else None, str(exc)) from exc
        except TemplateNotFound as exc:
            raise RenderError(template, None, f"missing file {exc.name}") from exc
    # a subject is one line; a stray newline from the template file itself is not an injection
    return Rendered(subject=parts["subject"].strip(), text=_tidy(parts["text"]), html=parts["html"].strip() + "\n")
