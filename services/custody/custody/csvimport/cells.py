"""Cells as spreadsheets write them: yes/no words, lists, counts with separators, dates from Excel."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")  # no daylight saving in Japan, so a fixed offset is exact

_TRUE = frozenset({"true", "yes", "1", "はい"})
_FALSE = frozenset({"false", "no", "0", "いいえ"})
_EMPLOYEE_NUMBER = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_EXCEL_MOMENTS = ("%Y/%m/%d", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S")


def split(value: str, separators: str) -> list[str]:
    """Items separated by any of ``separators`` (a regex class), blanks dropped."""
    return [item.strip() for item in re.split(separators, value) if item.strip()]


def yes_no(value: str) -> bool:
    word = value.casefold()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise ValueError(f"not a yes/no value: {value!r}")


def count(value: str) -> int:
    try:  # Excel may format 1200 as "1,200"
        return int(value.replace(",", ""))
    except ValueError:
        raise ValueError(f"not a whole number: {value!r}") from None


def moment(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = _excel_moment(value)
    # A spreadsheet cell has no time zone; the ledger is kept in Japan time.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=JST)


def _excel_moment(value: str) -> datetime:
    for pattern in _EXCEL_MOMENTS:  # Japanese Excel rewrites dates as 2026/4/1 when it saves
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            pass
    raise ValueError(f"not an ISO date or date-time: {value!r}")


def employee_number(value: str) -> str:
    if not _EMPLOYEE_NUMBER.match(value):
        raise ValueError(f"not a valid employee number: {value!r}")
    return value
