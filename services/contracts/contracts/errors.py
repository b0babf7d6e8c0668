"""Refusals: one exception carrying a code and parameters, rendered in Japanese or English.

The code and parameters travel over RPC (nameko serialises ``exc_args``); the text is
rendered where it is shown, in the reader's language. ``str()`` gives the code only, so
logs never carry the names or times held in the parameters.
"""
from __future__ import annotations

from pydantic import ValidationError

from contracts.desk import UNNAMED, Desk

MESSAGES: dict[str, dict[str, str]] = {
    "card_unknown": {
        "ja": "このカードは登録されていません。{desk}にカードの登録を依頼してください。",
        "en": "This card is not registered. Ask {desk} to register it.",
    },
    "employee_inactive": {
        "ja": "{employee_name}さんのアカウントは無効です。{desk}に確認してください。",
        "en": "{employee_name}'s account is inactive. Please check with {desk}.",
    },
    "employee_unknown": {
        "ja": "社員番号 {employee_number} は台帳にありません。",
        "en": "Employee number {employee_number} is not in the ledger.",
    },
    "asset_unknown": {
        "ja": "備品 {tag} は台帳にありません。ラベルを確認してください。",
        "en": "Asset {tag} is not in the ledger. Please check the label.",
    },
    "asset_retired": {
        "ja": "備品 {tag} は廃棄済みのため持ち出せません。",
        "en": "Asset {tag} has been retired and cannot be taken out.",
    },
    "asset_lost": {
        "ja": "備品 {tag} は紛失扱いです。見つかった場合は{desk}に届けてください。",
        "en": "Asset {tag} is recorded as lost. If you have found it, bring it to {desk}.",
    },
    "asset_already_out": {
        "ja": "備品 {tag} は {holder_name}さんが {since} から持ち出し中です。",
        "en": "Asset {tag} is already out with {holder_name} since {since}.",
    },
    "asset_not_out": {
        "ja": "備品 {tag} は持ち出されていません。返却の必要はありません。",
        "en": "Asset {tag} is not checked out; there is nothing to return.",
    },
    "training_missing": {
        "ja": "顧客データを含む備品の持ち出しには情報セキュリティ研修の受講が必要です。",
        "en": "You need to complete the information-security training before taking out an asset with customer data.",
    },
    "training_expired": {
        "ja": "情報セキュリティ研修の有効期限が切れています（受講日 {completed_on}、有効 {valid_days} 日）。再受講してください。",
        "en": "Your information-security training has expired (completed {completed_on}, valid {valid_days} days). Please retake it.",
    },
    "usb_unencrypted_customer_data": {
        "ja": "USBメモリ {tag} は顧客データを含むのに暗号化されていません。暗号化されるまで持ち出せません。",
        "en": "USB stick {tag} holds customer data without encryption and cannot be taken out until it is encrypted.",
    },
    "max_items_reached": {
        "ja": "すでに {held} 点を持ち出し中です（上限 {max_items} 点）。先に返却してください。",
        "en": "You already hold {held} items (limit {max_items}). Please return one first.",
    },
    "label_invalid": {
        "ja": "このラベルは正しくありません（{problem}）。ラベルを確認するか、{desk}に連絡してください。",
        "en": "This label is not valid ({problem}). Please check the label or contact {desk}.",
    },
    "due_invalid": {
        "ja": "返却予定時刻 {due_at} は指定できません（{problem}）。",
        "en": "The due time {due_at} cannot be used ({problem}).",
    },
    "invalid_input": {
        "ja": "入力が正しくありません：{field}（{problem}）",
        "en": "Invalid input: {field} ({problem})",
    },
    "already_exists": {
        "ja": "{what} {key} はすでに登録されています。",
        "en": "{what} {key} is already registered.",
    },
    "card_required": {
        "ja": "持ち出すには、先に社員証をタッチしてください。",
        "en": "To take an asset out, tap your employee card first.",
    },
    "kiosk_unknown": {
        "ja": "この端末は登録されていないか、無効です。{desk}に連絡してください。",
        "en": "This kiosk is not registered or has been disabled. Please contact {desk}.",
    },
    "card_in_use": {
        "ja": "このカードはすでに別の社員に登録されています。",
        "en": "This card is already bound to another employee.",
    },
}

INCIDENT_MESSAGES: dict[str, dict[str, str]] = {
    "incident_unknown": {
        "ja": "インシデント {incident} は見つかりません。",
        "en": "Incident {incident} was not found.",
    },
    "not_permitted": {
        "ja": "{role}の権限では「{action}」はできません。",
        "en": "The {role} role may not {action}.",
    },
    "invalid_input": MESSAGES["invalid_input"],
    "incident_closed": {
        "ja": "インシデント {incident} はクローズ済みのため変更できません。",
        "en": "Incident {incident} is closed and cannot be changed.",
    },
    "report_incomplete": {
        "ja": "報告書が不完全です：{problem}",
        "en": "The report is incomplete: {problem}",
    },
    "report_drops_data": {
        "ja": "台帳または前の版にあった「{item}」が報告から消えています。削除ではなく「該当なし」の理由を記入してください。",
        "en": "\"{item}\" was in the ledger or the previous version but is missing from the report. Say why it does not apply instead of dropping it.",
    },
    "actions_open": {
        "ja": "未完了の再発防止策が {count} 件あります。完了させるか、管理者がクローズの理由を記録してください。",
        "en": "{count} prevention action(s) are still open. Finish them, or have a manager record why the incident may close anyway.",
    },
    "penalty_fixed_in_advance": {
        "ja": "あらかじめ定めた違約金・損害賠償額の請求は労働基準法第16条により禁止されています。実際に生じた損害額に基づいて請求してください。",
        "en": "A penalty fixed in advance is prohibited by Article 16 of the Labour Standards Act. Claim on the basis of the actual cost.",
    },
    "claim_exceeds_cost": {
        "ja": "請求額 {claimed} 円が実損額 {actual} 円を超えています。",
        "en": "The claim of {claimed} yen exceeds the actual cost of {actual} yen.",
    },
    "legal_review_required": {
        "ja": "懲戒解雇には法務レビュー（担当者・日付・結論）の記録が必要です。",
        "en": "Dismissal needs a recorded legal review (reviewer, date, conclusion).",
    },
    "not_recovered": {
        "ja": "「漏えいなし」でクローズできるのは、回収済みのインシデントだけです。",
        "en": "Only a recovered incident can be closed as \"no leak\".",
    },
    "entry_unknown": {
        "ja": "{what} {key} はこのインシデントにありません。",
        "en": "The {what} {key} is not part of this incident.",
    },
}

LANGUAGES = ("ja", "en")


class Refusal(Exception):
    """A request a service refuses, with a reason a person can act on; each service has its own catalogue."""
    catalogue: dict[str, dict[str, str]] = {}

    def __init__(self, code: str, params: dict | None = None):
        if code not in self.catalogue:
            raise ValueError(f"unknown refusal code {code!r}")
        # text values only: that is what survives nameko's RPC serialisation unchanged
        params = {str(key): str(value) for key, value in (params or {}).items()}
        super().__init__(code, params)
        self.code = code
        self.params = params

    def message(self, lang: str = "ja", desk: Desk | None = None) -> str:
        """The text in a language; a parameter ``<name>_<lang>`` (``problem_ja``) stands in for ``<name>``
        there, so a detail written in English for logs and the API still reads in Japanese on screen.
        ``{desk}`` is the configured security desk of the part showing the message (neutral words without one)."""
        templates = self.catalogue[self.code]
        lang = lang if lang in templates else "ja"
        params = {"desk": desk.reference(lang) if desk else UNNAMED[lang], **self.params}
        params = {key: self.params.get(f"{key}_{lang}", value) for key, value in params.items()}
        return templates[lang].format_map(_Missing(params))

    def to_dict(self, desk: Desk | None = None) -> dict:
        return {"code": self.code, "params": self.params,
                "message": {lang: self.message(lang, desk) for lang in LANGUAGES}}

    def __str__(self) -> str:
        return self.code


class CustodyRefusal(Refusal):
    """A request the ledger refuses."""
    catalogue = MESSAGES


class IncidentRefusal(Refusal):
    """A request the incident service refuses."""
    catalogue = INCIDENT_MESSAGES


# pydantic's error types in Japanese (its own English message stays the ``problem``); ctx fills the {…}
_VALIDATION_JA = {
    "missing": "入力が必要です", "extra_forbidden": "この項目は使えません",
    "string_too_short": "{min_length}文字以上にしてください", "string_too_long": "{max_length}文字以内にしてください",
    "string_pattern_mismatch": "形式が違います", "string_type": "文字で入力してください",
    "int_parsing": "整数で入力してください", "int_type": "整数で入力してください",
    "float_parsing": "数値で入力してください", "bool_parsing": "はい・いいえで入力してください",
    "greater_than": "{gt}より大きい値にしてください", "greater_than_equal": "{ge}以上にしてください",
    "less_than": "{lt}より小さい値にしてください", "less_than_equal": "{le}以下にしてください",
    "too_short": "{min_length}件以上にしてください", "too_long": "{max_length}件以内にしてください",
    "literal_error": "次のどれかにしてください：{expected}", "enum": "次のどれかにしてください：{expected}",
    "datetime_parsing": "日時の形式が違います（例：2026-11-30T18:00+09:00）",
    "datetime_from_date_parsing": "日時の形式が違います（例：2026-11-30T18:00+09:00）",
    "timezone_aware": "タイムゾーン付きの日時にしてください（例：+09:00）",
    "date_parsing": "日付の形式が違います（例：2026-11-30）", "date_from_datetime_parsing": "日付の形式が違います（例：2026-11-30）",
}


def invalid_input(refusal: type[Refusal], error: ValidationError, default_field: str = "?") -> Refusal:
    """The first problem pydantic found, as ``invalid_input`` naming the field, in English and Japanese."""
    return refusal("invalid_input", problem_params(error.errors()[0], default_field))


def problem_params(problem: dict, default_field: str = "?") -> dict:
    """One pydantic problem as a refusal's parameters: the field's path, the problem in English (and Japanese),
    and the error ``type`` with its context (``max_length``, ...), so a form can say it with its own labels."""
    ctx = {k: str(v) for k, v in (problem.get("ctx") or {}).items()}
    params = {"field": ".".join(str(part) for part in problem["loc"]) or default_field, "problem": problem["msg"]}
    if (japanese := _VALIDATION_JA.get(problem["type"])) is not None:
        params["problem_ja"] = japanese.format_map(_Missing(ctx))
    return {**ctx, **params, "type": problem["type"]}


def render(code: str, params: dict, lang: str = "ja", desk: Desk | None = None) -> str:
    """The custody message for a code in a language (Japanese if the language is unknown)."""
    return CustodyRefusal(code, params).message(lang, desk)


class _Missing(dict):
    def __missing__(self, key):
        return "?"
