"""How the incident service says things: every stored or shown text in Japanese and English, said in one language.

The reader's language is chosen where a text is shown (the console page, the PPC draft in Japanese), never where
it is stored. So:

- a text made by the service is a ``Said(ja, en)`` pair (kept in JSON as ``{"ja": ..., "en": ...}``) or a code with
  parameters (the timeline: ``texts.timeline``), turned into one language by ``say`` / ``timeline.render``;
- a code (status, role, cause, ...) is said by ``label``: the ``LABELS`` table below, and ``contracts.words`` for
  what e-mails and the kiosk say too (asset kinds, data categories, encryption);
- a time by ``when``, always in a configured zone and with the zone shown;
- a list by ``join``: 「、」 in Japanese, ", " in English;
- form fields and validation problems by ``texts.fields`` (the labels the forms show are the ones the messages use).

What a person typed is never translated: it stays as typed.
"""
from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Iterable, NamedTuple

from contracts import words

LANGUAGES = ("ja", "en")


class Said(NamedTuple):
    """One text in both languages."""
    ja: str
    en: str

    def in_(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja

    def as_dict(self) -> dict:
        return {"ja": self.ja, "en": self.en}


def say(text, lang: str) -> str:
    """A text in one language: a ``Said``, its stored dict, or (rows written before the pairs) a plain
    "日本語 / English" string, split at its one divider; anything else as it is."""
    if isinstance(text, Said):
        return text.in_(lang)
    if isinstance(text, dict) and "ja" in text:
        return text.get(lang) or text["ja"]
    if not text:
        return ""
    parts = str(text).split(" / ")
    return (parts[1] if lang == "en" else parts[0]) if len(parts) == 2 else str(text)


LABELS: dict[str, Said] = {k: Said(*v) for k, v in {
    # incident statuses, closing, prevention actions
    "suspected": ("紛失の疑い", "suspected"), "confirmed": ("紛失確認", "confirmed"), "recovered": ("回収済み", "recovered"),
    "closed": ("クローズ", "closed"), "open": ("未着手", "open"), "in_progress": ("対応中", "in progress"),
    "done": ("完了", "done"), "no_leak": ("漏えいなし", "no leak"), "resolved": ("対応完了", "resolved"),
    "possible_loss": ("紛失の疑い（返却期限切れ）", "possible loss (overdue)"), "reported": ("紛失の届出", "reported loss"),
    # presence, lost or stolen
    "yes": ("あり", "yes"), "no": ("なし", "no"), "unknown": ("不明", "unknown"), "automatic": ("自動判定", "automatic"),
    "lost": ("紛失", "lost"), "stolen": ("盗難", "stolen"),
    # causes
    "workload": ("業務量", "workload"), "work_style": ("働き方", "work style"), "procedure": ("手順", "procedure"),
    "equipment": ("機器", "equipment"), "training": ("教育", "training"), "individual": ("個人の行為", "individual"),
    "other": ("その他", "other"),
    # measures toward the employee
    "cost_claim": ("実費の請求", "actual-cost claim"), "damages_claim": ("顧客損害の賠償請求", "claim for customer damages"),
    "disciplinary": ("懲戒処分", "disciplinary action"), "reprimand": ("訓戒", "reprimand"),
    "written_report": ("始末書・報告書", "written report / apology"), "demotion": ("降格", "demotion"),
    "pay_cut": ("減給", "pay cut"), "suspension": ("出勤停止", "suspension"), "dismissal": ("懲戒解雇", "dismissal"),
    "ordinary": ("通常の過失", "ordinary negligence"), "gross": ("重過失", "gross negligence"),
    "intentional": ("故意", "intentional"),
    # roles, and the kinds of timeline entry
    "viewer": ("閲覧者", "viewer"), "responder": ("対応担当", "responder"),
    "privacy_officer": ("個人情報保護責任者", "privacy officer"), "admin": ("管理者", "admin"),
    "fact": ("事実", "fact"), "told": ("連絡", "told"), "system": ("システム", "system"),
    # why no deadline runs (the incident list; incident.views.no_deadline says it in full)
    "no_data": ("判定材料なし", "nothing to assess yet"), "none_required": ("義務なし（判定済み）", "no duty (assessed)"),
    "all_done": ("義務はすべて完了", "every duty done"), "no_time_limit": ("期限のない義務のみ", "no time limit"),
    # notify's delivery log: statuses and templates (an unknown template is shown as its code)
    "pending": ("送信待ち", "waiting"), "sending": ("送信中", "sending"), "sent": ("送信済み", "sent"),
    "failed": ("送信失敗", "failed"),
    "possible_loss_holder": ("紛失の疑い（持ち出し者あて）", "possible loss (to the holder)"),
    "possible_loss_manager": ("紛失の疑い（管理者あて）", "possible loss (to the manager)"),
    "incident_opened_manager": ("インシデント起票（管理者あて）", "incident opened (to the manager)"),
    "incident_opened": ("インシデント起票（担当者あて）", "incident opened (to the privacy and security staff)"),
    "incident_deadline_approaching": ("期限が近い義務", "deadline approaching"),
    "incident_deadline_missed": ("期限を過ぎた義務", "deadline missed"), "incident_closed": ("インシデントのクローズ", "incident closed"),
    "asset_recovered": ("回収の連絡（持ち出し者・管理者あて）", "asset recovered (to the holder and the manager)"),
    "asset_recovered_staff": ("回収の連絡（担当者あて）", "asset recovered (to the staff)"),
    "apology_notice": ("お詫びのお知らせ（顧客あて）", "apology (to customers)"),
    "status_report": ("その後の状況報告（顧客あて）", "follow-up report (to customers)"),
    "inquiry_reply": ("問い合わせへの回答（顧客あて）", "inquiry reply (to customers)"),
}.items()}
DELIVERY_STATUSES = ("pending", "sending", "sent", "failed")
DELIVERY_TEMPLATES = ("possible_loss_holder", "incident_opened_manager", "incident_opened", "incident_deadline_approaching",
                      "incident_deadline_missed", "incident_closed", "asset_recovered", "asset_recovered_staff",
                      "apology_notice", "status_report", "inquiry_reply")


def label(code, lang: str) -> str:
    """A code in words; a code with no words is shown as it is, never dropped."""
    said = LABELS.get(str(code))
    return said.in_(lang) if said else str(code)


def labels(code) -> Said:
    """Both languages of a code (for a parameter ``<name>_ja`` of a refusal)."""
    return LABELS.get(str(code)) or Said(str(code), str(code))


def join(items: Iterable[str], lang: str) -> str:
    """A list as a sentence would write it."""
    return (", " if lang == "en" else "、").join(items)


def when(moment: datetime | None, tz: tzinfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A time in the zone, with the zone shown (``2026-12-03 18:00 JST``); "" for none."""
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    return f"{local.strftime(fmt)} {local.strftime('%Z') or local.strftime('%z')}"


def title(origin: str, asset: dict | None, lang: str) -> str:
    """An incident's title, said from what it is about: ``ノートPC LT-0002 の紛失の疑い`` / ``Possible loss of
    laptop LT-0002``. A device outside the ledger is named by its model number, or said to be outside the ledger."""
    asset = asset or {}
    kind = words.kind(asset.get("kind") or "other", lang)
    name = asset.get("tag") or asset.get("model_number")
    if origin == "possible_loss":
        said = Said(f"{kind} {name} の紛失の疑い", f"Possible loss of {kind} {name}")
    else:
        said = Said(f"{kind} {name} の紛失届", f"Reported loss of {kind} {name}") if name else \
            Said(f"台帳外の{kind}の紛失届", f"Reported loss of {kind} (not in the ledger)")
    return said.in_(lang)
