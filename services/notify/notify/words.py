"""Codes from the contracts said in words, per language, and times shown in the staff's zone with its name."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from contracts import words as said

LANGUAGES = ("ja", "en")
DEFAULT_LANG = "ja"
DEFAULT_ZONE = "Asia/Tokyo"

# notify's own codes; asset kinds, data categories, encryption and colours come from contracts.words
WORDS: dict[str, dict[str, str]] = {
    "ja": {
        "suspected": "紛失の疑い", "confirmed": "紛失確定", "recovered": "回収済み", "closed": "クローズ",
        "possible_loss": "返却期限超過による自動起票", "reported": "報告による起票",
        "no_leak": "漏えいなし", "resolved": "対応完了",
    },
    "en": {
        "suspected": "suspected loss", "confirmed": "confirmed loss", "recovered": "recovered", "closed": "closed",
        "possible_loss": "opened automatically after a missed return", "reported": "reported by a person",
        "no_leak": "no leak", "resolved": "resolved",
    },
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = {"ja": "月火水木金土日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
_YES_NO = {"ja": ("あり", "なし"), "en": ("yes", "no")}
_LIST_SEP = {"ja": "、", "en": ", "}
_NOTHING = {"ja": "なし", "en": "none"}
# the incident service cites a law as "APPI Art. 26 (個人情報保護法第26条)", or in English only ("GDPR Art. 33")
_BILINGUAL_LAW = re.compile(r"^(?P<en>[^(]+?) \((?P<ja>[^)]+)\)$")
_ARTICLE = re.compile(r"\bArt\. (\d+)\b")


def word(code: str, lang: str) -> str:
    """A contract code in words; an unknown code is shown as it is rather than dropped."""
    return WORDS.get(lang, WORDS[DEFAULT_LANG]).get(code, code)


def categories(codes, lang: str) -> str:
    """Data categories in words, joined as the language writes lists."""
    return _LIST_SEP.get(lang, "、").join(said.category(c, lang) for c in codes) or _NOTHING.get(lang, "なし")


def when(moment: datetime, lang: str, zone: str = DEFAULT_ZONE) -> str:
    """A moment in the zone, with the weekday and the zone's name: ``11月30日(月) 18:00 JST``, ``Mon 30 Nov 18:00 JST``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the contracts carry aware UTC times")
    t = moment.astimezone(ZoneInfo(zone))
    name = t.tzname() or zone
    name = f"UTC{name}" if name[:1] in "+-" else name  # zones without an abbreviation are named by their offset
    if lang == "en":
        return f"{_DAYS['en'][t.weekday()]} {t.day} {_MONTHS_EN[t.month - 1]} {t:%H:%M} {name}"
    return f"{t.month}月{t.day}日({_DAYS['ja'][t.weekday()]}) {t:%H:%M} {name}"


def law(citation: str, lang: str) -> str:
    """A law citation in one language: ``個人情報保護法第26条`` / ``APPI Art. 26``; ``GDPR Art. 33`` → ``GDPR第33条``."""
    found = _BILINGUAL_LAW.match(citation)
    if found:
        return found["en"] if lang == "en" else found["ja"]
    return citation if lang == "en" else _ARTICLE.sub(r"第\1条", citation)


def yes_no(flag: bool, lang: str) -> str:
    """A flag as あり/なし or yes/no."""
    yes, no = _YES_NO.get(lang, _YES_NO[DEFAULT_LANG])
    return yes if flag else no


def count(n: int) -> str:
    """A number with thousands separators, as both languages write it."""
    return f"{n:,}"
