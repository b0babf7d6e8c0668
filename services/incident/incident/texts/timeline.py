"""The timeline entries the service writes itself, as codes with parameters, said in the reader's language and zone.

An entry is stored as ``code`` + ``params`` (JSON: what a person typed stays in the parameters as typed; times as ISO
UTC) and rendered when it is read, so the same entry reads in Japanese on one page, in English on another and in
Japanese in the PPC draft, each time in the configured zone. To add an entry: a code and its sentence in ``ENTRIES``
(parameters named in braces; the ones that need words, times or lists get a line in ``_WORDS``), then
``note(..., code="...", params={...})`` in the use case. Entries written before the codes keep their text.
"""
from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Callable

from incident import duties
from incident.texts import Said, join, label, say, when
from incident.texts.fields import field_label

ENTRIES: dict[str, Said] = {
    "checked_out": Said("{kiosk} で持ち出し", "Checked out at {kiosk}"),
    "not_returned": Said("返却予定時刻を過ぎても未返却", "Not returned by the due time"),
    "opened_possible_loss": Said("紛失の疑いとしてインシデントを起票", "Incident opened as a possible loss"),
    "loss_reported": Said("紛失の届出：{description}（{from_ledger}）", "Loss reported: {description} ({from_ledger})"),
    "recovered": Said("{kiosk} で返却され回収（返却した人：{returned_by}）",
                      "Recovered at {kiosk} (returned by {returned_by})"),
    "marked_lost": Said("台帳で紛失と確定{because}", "Marked lost in the ledger{because}"),
    "last_seen": Said("最後に確認：{circumstances}", "Last seen: {circumstances}"),
    "told": Said("{who} に連絡{how}", "Told {who}{how}"),
    "report_submitted": Said("紛失報告 第{version}版を提出{changed}", "Loss report version {version} submitted{changed}"),
    "facts_changed": Said("判断事項を変更：{facts}", "Assessment facts changed: {facts}"),
    "duty_done": Said("「{duty}」を完了{note}", "“{duty}” done{note}"),
    "duties_recomputed": Said("法的義務を再判定：{changes}", "Duties recomputed: {changes}"),
    "review_recorded": Said("原因分析を記録：{causes}", "Review recorded: {causes}"),
    "action_added": Said("再発防止策を追加：{description}（担当 {owner}、期日 {due_on}）",
                         "Prevention action added: {description} ({owner}, due {due_on})"),
    "action_status": Said("再発防止策「{description}」を「{status}」に変更", "Prevention action “{description}” set to “{status}”"),
    "measure_recorded": Said("従業員への措置を記録：{kind}", "Measure toward the employee recorded: {kind}"),
    "closed_with_open_actions": Said("未完了の再発防止策 {count} 件を残してクローズ：{reason}",
                                     "Closed with {count} open prevention action(s): {reason}"),
    "closed": Said("クローズ（{resolution}）：{reason}", "Closed ({resolution}): {reason}"),
}
FROM_LEDGER = {True: Said("台帳の情報を反映", "from the ledger"), False: Said("台帳外", "not in the ledger")}
Words = Callable[[object, str, tzinfo], str]


def _time(value, lang: str, tz: tzinfo) -> str:
    return when(datetime.fromisoformat(value), tz) if value else ""


def _after(ja: str, en: str) -> Words:
    """An optional detail: nothing when empty, else the detail after its separator."""
    return lambda value, lang, tz: "" if not value else (en if lang == "en" else ja).format(value)


def _duty(code: str, lang: str) -> str:
    rule = next((r for r in duties.DUTY_RULES if r.code == code), None)
    return (rule.title_en if lang == "en" else rule.title_ja) if rule else code


def _change(change: dict, lang: str, tz: tzinfo) -> str:
    needed = Said("要", "required") if change["required"] else Said("不要", "not required")
    due = _time(change.get("due_at"), lang, tz)
    return f"{_duty(change['duty'], lang)} — {needed.in_(lang)}" + (Said("（期限 {0}）", " (due {0})").in_(lang)
                                                                     .format(due) if due else "")


def _facts(facts: dict, lang: str, tz: tzinfo) -> str:
    def value(key, v):
        if key == "aware_at":
            return _time(v, lang, tz)
        return label("automatic" if v is None else ("yes" if v else "no"), lang) if v is None or isinstance(v, bool) else v
    colon = "：" if lang == "ja" else ": "
    return join((f"{field_label('facts', key, lang)}{colon}{value(key, v)}" for key, v in facts.items()), lang)


_WORDS: dict[str, Words] = {
    "from_ledger": lambda v, lang, tz: FROM_LEDGER[bool(v)].in_(lang),
    "returned_by": lambda v, lang, tz: v or "—",
    "because": _after("：{0}", ": {0}"),
    "how": _after("（{0}）", " ({0})"),
    "note": _after("：{0}", ": {0}"),
    "changed": lambda v, lang, tz: "" if v is None else Said("（変更：{0}）", " (changed: {0})").in_(lang).format(
        join((field_label("report", part, lang) for part in v), lang) if v else Said("なし", "nothing").in_(lang)),
    "facts": _facts,
    "duty": lambda v, lang, tz: _duty(v, lang),
    "changes": lambda v, lang, tz: Said("；", "; ").in_(lang).join(_change(c, lang, tz) for c in v),
    "causes": lambda v, lang, tz: Said("；", "; ").in_(lang).join(f"[{label(c['category'], lang)}] {c['text']}" for c in v),
    "status": lambda v, lang, tz: label(v, lang), "resolution": lambda v, lang, tz: label(v, lang),
    "kind": lambda v, lang, tz: label(v, lang),
}


def render(code: str | None, params: dict | None, text: str, lang: str, tz: tzinfo) -> str:
    """An entry in one language: a coded entry from its sentence and parameters, else its text (typed, or written
    before the codes as "日本語 / English")."""
    sentence = ENTRIES.get(code or "")
    if sentence is None:
        return say(text, lang)
    said = {key: _WORDS[key](value, lang, tz) if key in _WORDS else value for key, value in (params or {}).items()}
    return sentence.in_(lang).format_map(_Blank(said))


class _Blank(dict):
    def __missing__(self, key):
        return ""
