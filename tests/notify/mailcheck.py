"""Checks on a rendered or received e-mail that the notify tests share: the text content of the HTML part,
Japanese characters, and the codes that must never reach a Japanese reader."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import get_args

from contracts import words
from contracts.events import AssetKind, Encryption, IncidentStatus

CJK = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# codes of the contracts, and colour words, that a Japanese e-mail must say in Japanese
CODES = {*get_args(AssetKind), *get_args(Encryption), *get_args(IncidentStatus), "possible_loss", "reported",
         "no_leak", "resolved", "True", "False", "None", *(en for _, names in words.COLOURS for en in names)}
_CODE = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, CODES), key=len, reverse=True)) + r")(?![\w-])")
_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


class _Text(HTMLParser):
    """The text a reader sees in the HTML part: the body only (not the <title>)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.in_head = [], False

    def handle_starttag(self, tag, attrs):
        self.in_head |= tag == "head"

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False

    def handle_data(self, data):
        if not self.in_head:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def words_of(text: str) -> list[str]:
    """The words in order, without layout (headings' marks, table cells, line breaks, punctuation)."""
    return re.findall(r"\w+", text)


def japanese_in(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """Japanese characters left once the allowed texts (a recipient's own name) are taken out."""
    for name in allowed:
        text = text.replace(name, "")
    return CJK.findall(text)


def stray_codes(text: str) -> list[str]:
    """Contract codes and snake_case identifiers shown to a Japanese reader instead of words."""
    return _CODE.findall(text) + _SNAKE.findall(text)
