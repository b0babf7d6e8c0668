"""The console's form fields by their labels, and each validation problem as a sentence naming the field.

``FORMS`` holds, per form, the label of every field the use case validates, keyed by its path in the input model
(``*`` for a row number); the templates show these same labels, so a message names the field as the form does. A
row field reads 「データの項目 1 行目の『含まれていたか』」 / "“On it?” in row 1 of the data items". ``SENTENCES``
says each pydantic error type (and the few the use cases raise themselves, under pydantic's names) as a sentence.
To add a field: its label here, and ``F('form', 'path')`` in the template.
"""
from __future__ import annotations

import re

from incident.schemas import FORGOTTEN
from incident.texts import Said

_ROWS = Said("{group} {row} 行目の『{label}』", "“{label}” in row {row} of the {group}")
_ONE = Said("『{label}』", "“{label}”")
_CONFIRMED = Said("含まれていたか", "On it?")
_WHEN = Said("日時", "Time")
_EMPLOYEE = Said("社員番号", "Employee number")


def _said(table: dict[str, tuple[str, str]]) -> dict[str, Said]:
    return {key: value if isinstance(value, Said) else Said(*value) for key, value in table.items()}


FORMS: dict[str, dict[str, Said]] = {name: _said(table) for name, table in {
    "report": {
        "": ("紛失報告", "Loss report"), "data": ("データの項目", "data items"), "data.*.category": ("情報の種類", "Category"),
        "data.*.present": _CONFIRMED,
        "data.*.note": ("メモ（なしの理由）", "Note (why not)"),
        "customers": ("顧客", "customers"), "customers.*.customer_id": ("顧客ID", "Customer ID"),
        "customers.*.persons": ("本人の数", "Persons"), "customers.*.present": _CONFIRMED,
        "customers.*.note": ("メモ", "Note"),
        "eu_data_subjects": ("EU域内の本人のデータを含む", "Includes data of EU data subjects"),
        "forgotten": ("見落としやすい情報", "Easily forgotten places"),
        **{f"forgotten.{key}": texts for key, texts in FORGOTTEN.items()},
        "forgotten_detail": ("見落としやすい情報の詳細", "Details of the easily forgotten places"),
        "features": ("端末の特徴", "Features"), "features.model_number_confirmed": ("型番を確認した", "Model number confirmed"),
        "features.serial_number_confirmed": ("シリアル番号を確認した", "Serial number confirmed"),
        "features.colour": ("色", "Colour"), "features.shape": ("形状", "Shape"), "features.stickers": ("シール", "Stickers"),
        "features.case": ("ケース", "Case"),
        "last_seen_at": ("最後に確認した日時", "Last seen at"), "last_seen_place": ("最後に確認した場所", "Last seen where"),
        "circumstances": ("状況（本人の言葉で）", "What happened, in the reporter's words"),
        "movements": ("前後の行動", "movements"), "movements.*.at": _WHEN, "movements.*.place": ("場所", "Place"),
        "movements.*.text": ("何をしたか", "What happened"),
        "told": ("連絡した相手", "people told"), "told.*.at": _WHEN, "told.*.who": ("誰に", "Who"),
        "told.*.how": ("方法（電話・メールなど）", "How (phone, e-mail, ...)"),
        "lost_or_stolen": ("紛失か盗難か", "Lost or stolen"),
    },
    "report_loss": {
        "": ("紛失の届出", "Loss report"), "asset_tag": ("備品番号（台帳にあれば）", "Asset tag (if in the ledger)"), "kind": ("種類", "Kind"),
        "model_number": ("型番", "Model number"), "serial_number": ("シリアル番号", "Serial number"),
        "description": ("何が起きたか", "What happened"), "holder_name": ("持ち出し者の氏名", "Holder's name"),
        "holder_number": _EMPLOYEE, "holder_email": ("メールアドレス", "E-mail address"),
        "categories": ("入っていた可能性のある情報", "Data that may have been on it"),
        "categories.*": ("入っていた可能性のある情報", "Data that may have been on it"),
        "customer_ids": ("顧客ID（カンマ区切り）", "Customer IDs (comma-separated)"),
        "customer_ids.*": ("顧客ID（カンマ区切り）", "Customer IDs (comma-separated)"),
        "approx_persons": ("本人の概数", "Approximate number of persons"),
        "eu_data_subjects": ("EU域内の本人を含む", "Includes EU data subjects"), "encryption": ("暗号化", "Encryption"),
        "cipher": ("暗号方式", "Cipher"), "key_stored_separately": ("鍵は端末と別に保管", "Key kept apart from the device"),
        "aware_at": ("会社が把握した日時", "When the company became aware"),
    },
    "timeline": {"": ("経過の記録", "Timeline entry"), "at": ("日時", "When"), "place": ("場所", "Place"), "text": ("事実", "Fact"),
                 "kind": ("種別", "Kind"),
                 "supersedes": ("訂正する記録", "Entry corrected")},
    "facts": {
        "": ("判断事項", "Assessment facts"), "improper_purpose_suspected": ("不正の目的によるおそれ（盗難・不正アクセス・内部不正）",
                                       "Improper purpose suspected (theft, unauthorised access, insider)"),
        "all_data_in_encrypted_files": ("個人データはすべて暗号化ファイル内", "All personal data inside the encrypted files"),
        "persons_contactable": ("本人に連絡できる", "The persons can be contacted"),
        "gdpr_unlikely_risk": ("GDPR：リスクが生じる可能性は低い", "GDPR: unlikely to result in a risk"),
        "gdpr_high_risk": ("GDPR：本人への高いリスク", "GDPR: high risk to the persons"),
        "aware_at": ("会社が把握した日時", "When the company became aware"),
    },
    "review": {"": ("原因分析", "Review"), "causes": ("原因", "causes"), "causes.*.category": ("分類", "Category"),
               "causes.*.text": ("内容", "Cause")},
    "action": {"": ("再発防止策", "Prevention action"), "description": ("再発防止策", "Prevention action"), "owner": ("担当", "Owner"),
               "due_on": ("期日", "Due on")},
    "action_status": {"status": ("状態", "Status")},
    "measure": {
        "": ("従業員への措置", "Measure toward the employee"), "kind": ("措置", "Measure"), "employee_number": _EMPLOYEE,
        "summary": ("概要", "Summary"),
        "actual_cost_yen": ("実損額（円）", "Actual cost (yen)"), "claimed_yen": ("請求額（円）", "Amount claimed (yen)"),
        "penalty_fixed_in_advance": ("請求額は誓約書などであらかじめ定めた金額である", "The amount was fixed in advance (e.g. in a pledge)"),
        "negligence": ("過失の程度", "Degree of fault"), "disciplinary_action": ("処分", "Action"),
        "legal_review": ("法務レビュー", "Legal review"), "legal_review.reviewer": ("法務レビュー担当", "Legal reviewer"),
        "legal_review.reviewed_on": ("レビュー日", "Reviewed on"),
        "legal_review.conclusion": ("レビューの結論", "Conclusion of the review"),
        "announce_company_wide": ("全社に周知する", "Announce company-wide"), "submitted_on": ("提出日", "Submitted on"),
        "signed_by": ("署名者", "Signed by"),
    },
    "close": {"resolution": ("結論", "Resolution"), "reason": ("理由", "Reason"),
              "override_reason": ("未完了の対策を残してクローズする理由（管理者）", "Why it may close with open actions (admin)")},
    "duty": {"note": ("メモ（提出先・受付番号など）", "Note (where filed, receipt no.)")},
    "user": {"username": ("ユーザー名", "Username"), "display_name": ("表示名", "Display name"), "role": ("役割", "Role"),
             "password": ("パスワード（12文字以上）", "Password (12+ characters)"), "active": ("有効", "Active")},
}.items()}

_DATETIME = Said("{field}の日時の形式が違います（例：2026-11-30 18:00）", "{field} is not a date and time (e.g. 2026-11-30 18:00).")
_DATE = Said("{field}の日付の形式が違います（例：2026-11-30）", "{field} is not a date (e.g. 2026-11-30).")
_INTEGER = Said("{field}を整数で入力してください（例：300）", "Enter {field} as a whole number (e.g. 300).")
_BOOL = Said("{field}は「はい」か「いいえ」で答えてください", "Answer {field} with yes or no.")
_SHAPE = Said("{field}の形式が違います", "{field} is not in the expected form.")
SENTENCES: dict[str, Said] = {
    "missing": Said("{field}を入力してください", "Fill in {field}."),
    "extra_forbidden": Said("{field}はこのフォームの項目ではありません", "{field} is not part of this form."),
    "string_type": Said("{field}を文字で入力してください", "Enter {field} as text."),
    "string_too_short": Said("{field}は{min_length}文字以上で入力してください", "{field} needs at least {min_length} characters."),
    "string_too_long": Said("{field}は{max_length}文字以内にしてください", "{field} can be at most {max_length} characters."),
    "string_pattern_mismatch": _SHAPE,
    "int_type": _INTEGER, "int_parsing": _INTEGER, "int_from_float": _INTEGER,
    "greater_than": Said("{field}は{gt}より大きい値にしてください", "{field} must be more than {gt}."),
    "greater_than_equal": Said("{field}は{ge}以上にしてください", "{field} must be {ge} or more."),
    "less_than": Said("{field}は{lt}より小さい値にしてください", "{field} must be less than {lt}."),
    "less_than_equal": Said("{field}は{le}以下にしてください", "{field} must be {le} or less."),
    "bool_type": _BOOL, "bool_parsing": _BOOL,
    "literal_error": Said("{field}を選んでください", "Choose {field}."), "enum": Said("{field}を選んでください", "Choose {field}."),
    "list_type": _SHAPE, "dict_type": _SHAPE, "model_type": _SHAPE, "model_attributes_type": _SHAPE,
    "too_short": Said("{field}を{min_length}件以上入力してください", "Fill in at least {min_length} of {field}."),
    "too_long": Said("{field}は{max_length}件以内にしてください", "{field} can have at most {max_length} entries."),
    "datetime_type": Said("{field}に日付と時刻を入力してください", "Fill in {field} with a date and time."),
    "datetime_parsing": _DATETIME, "datetime_from_date_parsing": _DATETIME, "datetime_object_invalid": _DATETIME,
    "timezone_aware": Said("{field}にタイムゾーンを付けてください（例：+09:00）", "Give {field} a time zone (e.g. +09:00)."),
    "datetime_past": Said("{field}が未来の日時になっています。起きた日時を入力してください",
                          "{field} is in the future. Enter when it happened."),
    "date_type": Said("{field}に日付を入力してください", "Fill in {field} with a date."),
    "date_parsing": _DATE, "date_from_datetime_parsing": _DATE, "date_from_datetime_inexact": _DATE,
}
UNKNOWN = Said("{field}の値が正しくありません", "{field} is not valid.")
_PROBLEM = Said("{field}：{problem}", "{field}: {problem}")


def _key(path: str) -> tuple[str, str | None, int | None]:
    """``data.0.present`` -> (``data.*.present``, ``data``, 0)."""
    match = re.fullmatch(r"(\w+)\.(\d+)(?:\.(.+))?", path)
    if not match:
        return path, None, None
    group, index, rest = match.groups()
    return f"{group}.*" + (f".{rest}" if rest else ""), group, int(index)


def field_label(form: str, path: str, lang: str) -> str:
    """A field's label as the form shows it (the path itself if the form has no such field; the form's own name for
    a problem with the whole input, which pydantic reports with no path and ``schemas.parse`` names by the model)."""
    key = "" if not path or path[:1].isupper() else _key(path)[0]
    said = FORMS.get(form, {}).get(key)
    return said.in_(lang) if said else path


def field_phrase(form: str, path: str, lang: str, row: int | None = None) -> str:
    """The field as a message names it: in quotes, with its row (``row`` as the form numbers it; else from the path)."""
    key, group, index = _key(path)
    table = FORMS.get(form, {})
    if group is not None and group in table and key in table:
        return _ROWS.in_(lang).format(group=table[group].in_(lang), row=row or index + 1, label=table[key].in_(lang))
    return _ONE.in_(lang).format(label=field_label(form, path if key in table or group is None else group, lang))


def sentence(form: str, params: dict, lang: str, row: int | None = None) -> str:
    """An ``invalid_input`` refusal's parameters as one sentence in the language: its error type's sentence, or
    (a problem the use case described itself) the field and that problem."""
    field = field_phrase(form, params.get("field", ""), lang, row)
    kind = params.get("type")
    if kind == "string_too_short" and params.get("min_length") == "1":
        kind = "missing"  # "at least 1 character" is "fill it in"
    if kind in SENTENCES:
        template = SENTENCES[kind].in_(lang)
    elif params.get("problem") and kind is None:
        problem = params.get(f"problem_{lang}", params["problem"])
        return _PROBLEM.in_(lang).format(field=field, problem=problem)
    else:
        template = UNKNOWN.in_(lang)
    values = {k: _number(v) for k, v in params.items()}
    return _upper(template.format_map(_Blank(values | {"field": field})))


def _number(value):
    return f"{int(value):,}" if isinstance(value, str) and value.isdigit() and len(value) > 4 else value


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Blank(dict):
    def __missing__(self, key):
        return "?"
