"""Codes from the contracts said in words, per language, and times shown in Tokyo time."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from contracts import words as said

TOKYO = ZoneInfo("Asia/Tokyo")
LANGUAGES = ("ja", "en")
DEFAULT_LANG = "ja"

# notify's own codes; asset kinds, data categories and encryption come from contracts.words
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
_YES_NO = {"ja": ("あり", "なし"), "en": ("yes", "no")}
_LIST_SEP = {"ja": "、", "en": ", "}
_NOTHING = {"ja": "なし", "en": "none"}


def word(code: str, lang: str) -> str:
    """A contract code in words; an unknown code is shown as it is rather than dropped."""
    return WORDS.get(lang, WORDS[DEFAULT_LANG]).get(code, code)


def categories(codes, lang: str) -> str:
    """Data categories in words, joined as the language writes lists."""
    return _LIST_SEP.get(lang, "、").join(said.category(c, lang) for c in codes) or _NOTHING.get(lang, "なし")


def when(moment: datetime, lang: str) -> str:
    """A moment in Tokyo time: ``11月30日 18:00`` or ``30 Nov 18:00``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the contracts carry aware UTC times")
    t = moment.astimezone(TOKYO)
    if lang == "en":
        return f"{t.day} {_MONTHS_EN[t.month - 1]} {t:%H:%M}"
    return f"{t.month}月{t.day}日 {t:%H:%M}"


def yes_no(flag: bool, lang: str) -> str:
    """A flag as あり/なし or yes/no."""
    yes, no = _YES_NO.get(lang, _YES_NO[DEFAULT_LANG])
    return yes if flag else no


def count(n: int) -> str:
    """A number with thousands separators, as both languages write it."""
    return f"{n:,}"
