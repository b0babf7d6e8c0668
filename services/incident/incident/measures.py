"""Measures toward the employee: what the law allows, as refusals and as warnings shown with the record.

Pure rules. The references are to Japanese labour law as the source document summarises it:
- Labour Standards Act Art. 16: a penalty or damages amount fixed in advance is void; only actual cost may be claimed.
- Case law (e.g. 茨石事件, 最判昭和51年7月8日): for ordinary negligence the employer's claim is limited, usually to
  about a quarter to a half of the actual cost.
- Art. 91: a pay cut as discipline may not exceed half a day's average wage per case, nor a tenth of a pay period's wages.
- Labour Contract Act Art. 15/16: discipline and dismissal void without objective reason and social acceptability.
"""
from __future__ import annotations

from contracts.errors import IncidentRefusal
from incident.schemas import MeasureInput

NOTES: dict[str, tuple[str, str]] = {
    "half_ceiling": ("過失による損害の請求は、実損額のおおむね半額が上限とされるのが通例です（判例）。",
                     "For negligence, about half the actual cost is the usual ceiling (case law)."),
    "over_half": ("請求額が実損額の半額を超えています。通常の過失では認められない可能性が高いです。",
                  "The claim is more than half the actual cost: for ordinary negligence it will probably not stand."),
    "no_advance_penalty": ("あらかじめ定めた違約金・賠償額の請求は労働基準法第16条で禁止されています。",
                           "A penalty fixed in advance is prohibited (Labour Standards Act Art. 16)."),
    "civil_matter": ("顧客損害の賠償請求は、従業員の責任が制限される民事裁判上の問題です。法務部門と相談してください。",
                     "Claiming customer damages from the employee is a civil-court matter in which the employee's "
                     "liability is limited; consult legal counsel."),
    "pay_cut_limit": ("減給は1回の額が平均賃金の1日分の半額、総額が一賃金支払期の賃金総額の10分の1を"
                      "超えてはなりません（労働基準法第91条）。",
                      "A pay cut may not exceed half a day's average wage per case, nor a tenth of a pay period's "
                      "wages (Labour Standards Act Art. 91)."),
    "discipline_basis": ("懲戒処分には就業規則上の根拠と、行為に見合った相当性が必要です（労働契約法第15条）。",
                         "Discipline needs a basis in the work rules and must be proportionate (Labour Contract Act Art. 15)."),
    "dismissal_review": ("懲戒解雇は法務レビューの記録に基づいて決定されました。",
                         "Dismissal was decided on the recorded legal review."),
    "reprimand_announce": ("訓戒は通常、全社に周知されます。周知文には顧客の個人情報を含めないでください。",
                           "A reprimand is normally announced company-wide; keep customers' personal data out of it."),
    "reprimand_private": ("この訓戒は全社に周知されません（通常とは異なる扱いです）。",
                          "This reprimand will not be announced company-wide (unusual)."),
    "written_report": ("始末書・報告書は本人が提出し署名します。キオスクでの社員証タッチを受領確認に使えます。",
                       "The employee submits and signs the written report; a card tap at the kiosk can serve as "
                       "the acknowledgement."),
}


def check(measure: MeasureInput) -> list[str]:
    """Refuse what the law forbids; return the note codes to show and keep with the record."""
    notes: list[str] = []
    if measure.kind == "cost_claim":
        if measure.penalty_fixed_in_advance:
            raise IncidentRefusal("penalty_fixed_in_advance")
        if measure.actual_cost_yen is None or measure.claimed_yen is None:
            blank = "actual_cost_yen" if measure.actual_cost_yen is None else "claimed_yen"
            raise IncidentRefusal("invalid_input", {"field": blank, "type": "missing", "problem": "both amounts are needed",
                                                    "problem_ja": "実損額と請求額が必要です"})
        if measure.claimed_yen > measure.actual_cost_yen:
            raise IncidentRefusal("claim_exceeds_cost", {"claimed": f"{measure.claimed_yen:,}",
                                                         "actual": f"{measure.actual_cost_yen:,}"})
        notes += ["no_advance_penalty", "half_ceiling"]
        if measure.negligence == "ordinary" and measure.claimed_yen * 2 > measure.actual_cost_yen:
            notes.append("over_half")
    elif measure.kind == "damages_claim":
        notes.append("civil_matter")
    elif measure.kind == "disciplinary":
        if measure.disciplinary_action is None:
            raise IncidentRefusal("invalid_input", {"field": "disciplinary_action", "type": "literal_error",
                                                    "problem": "choose the action", "problem_ja": "処分の種類を選んでください"})
        if measure.disciplinary_action == "dismissal":
            if measure.legal_review is None:
                raise IncidentRefusal("legal_review_required")
            notes.append("dismissal_review")
        if measure.disciplinary_action == "pay_cut":
            notes.append("pay_cut_limit")
        notes.append("discipline_basis")
    elif measure.kind == "reprimand":
        notes.append("reprimand_announce" if measure.announce_company_wide else "reprimand_private")
    elif measure.kind == "written_report":
        notes.append("written_report")
    return notes


def note_text(code: str, lang: str = "ja") -> str:
    ja, en = NOTES[code]
    return ja if lang == "ja" else en
