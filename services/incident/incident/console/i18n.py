"""Japanese (default) and English: the template helpers, labels for coded values, and local times."""
from __future__ import annotations

from datetime import datetime
from typing import get_args

from flask import Flask, current_app, request

from contracts import words as said
from contracts.errors import INCIDENT_MESSAGES
from contracts.events import AssetKind, DataCategory, Encryption
from incident.console import auth, now
from incident.measures import NOTES

LABELS: dict[str, tuple[str, str]] = {
    # statuses
    "suspected": ("紛失の疑い", "suspected"), "confirmed": ("紛失確認", "confirmed"), "recovered": ("回収済み", "recovered"),
    "closed": ("クローズ", "closed"), "open": ("未着手", "open"), "in_progress": ("対応中", "in progress"),
    "done": ("完了", "done"), "no_leak": ("漏えいなし", "no leak"), "resolved": ("対応完了", "resolved"),
    # presence
    "yes": ("あり", "yes"), "no": ("なし", "no"), "unknown": ("不明", "unknown"),
    "lost": ("紛失", "lost"), "stolen": ("盗難", "stolen"),
    # causes
    "workload": ("業務量", "workload"), "work_style": ("働き方", "work style"), "procedure": ("手順", "procedure"),
    "equipment": ("機器", "equipment"), "training": ("教育", "training"), "individual": ("個人", "individual"),
    "other": ("その他", "other"),
    # measures
    "cost_claim": ("実費の請求", "actual-cost claim"), "damages_claim": ("顧客損害の賠償請求", "claim for customer damages"),
    "disciplinary": ("懲戒処分", "disciplinary action"), "reprimand": ("訓戒", "reprimand"),
    "written_report": ("始末書・報告書", "written report / apology"), "demotion": ("降格", "demotion"),
    "pay_cut": ("減給", "pay cut"), "suspension": ("出勤停止", "suspension"), "dismissal": ("懲戒解雇", "dismissal"),
    "ordinary": ("通常の過失", "ordinary negligence"), "gross": ("重過失", "gross negligence"),
    "intentional": ("故意", "intentional"),
    # roles
    "viewer": ("閲覧者", "viewer"), "responder": ("対応担当", "responder"),
    "privacy_officer": ("個人情報保護責任者", "privacy officer"),
    "admin": ("管理者", "admin"), "fact": ("事実", "fact"), "told": ("連絡", "told"), "system": ("システム", "system"),
}


def T(ja: str, en: str) -> str:
    """The text in the reader's language."""
    return ja if auth.lang() == "ja" else en


def label(code) -> str:
    pair = LABELS.get(str(code))
    return T(*pair) if pair else str(code)


def kind_label(code) -> str:
    """Asset kinds, data categories and encryption read as in e-mails and at the kiosk (contracts.words)."""
    return said.kind(code, auth.lang())


def category_label(code) -> str:
    return said.category(code, auth.lang())


def encryption_label(code) -> str:
    return said.encryption(code, auth.lang())


def pick(text: str | None) -> str:
    """One half of a stored "日本語 / English" text, when it has exactly one such divider."""
    if not text:
        return ""
    parts = text.split(" / ")
    return (parts[0] if auth.lang() == "ja" else parts[1]) if len(parts) == 2 else text


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
    """A time in the console's zone."""
    when = _aware(value)
    return when.astimezone(current_app.extensions["incident_tz"]).strftime(fmt) if when else ""


def input_time(value) -> str:
    """For a datetime-local input: the local time, or what was typed if it was not a time."""
    if _aware(value):
        return local(value, "%Y-%m-%dT%H:%M")
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


def install(app: Flask) -> None:
    app.jinja_env.globals.update(T=T, label=label, kind_label=kind_label, category_label=category_label,
                                 encryption_label=encryption_label, pick=pick, may=auth.may, csrf_token=auth.csrf_token,
                                 lang=auth.lang, here=lambda: request.full_path.rstrip("?"), notes=NOTES,
                                 refusals=INCIDENT_MESSAGES, categories=get_args(DataCategory),
                                 kinds=get_args(AssetKind), encryptions=get_args(Encryption))
    app.jinja_env.filters.update(local=local, input_time=input_time, left=left, overdue=overdue)
