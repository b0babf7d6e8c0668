"""Which legal duties a lost device triggers, and by when: APPI Art. 26, the My Number Act and GDPR Arts. 33-34.

Pure rules: ``assess`` returns every duty, required or not, with its reasons and deadlines; call it again when a
fact changes. Simplification: specific personal information (my_number) is modelled as one extra report to the
PPC under the My Number Act whenever it is on the device, with APPI's deadlines; that Act's own thresholds and its
notice to persons are not modelled.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, NamedTuple

from contracts import words
from contracts.events import DataInventory, Protection
from incident.domain import Deadline
from incident.texts import Said

PROMPT_TARGET = timedelta(days=3)    # 速報 is "promptly": PPC guidelines say about 3-5 days; notice uses the same target
PROMPT_LIMIT = timedelta(days=5)
FINAL = timedelta(days=30)
FINAL_IMPROPER = timedelta(days=60)  # case 3 gets longer: investigating a theft or insider takes time
GDPR_AUTHORITY = timedelta(hours=72)
PERSONS_THRESHOLD = 1000             # case 4 is "more than 1,000": exactly 1,000 does not count

SENSITIVE = ("health", "sensitive")                               # 要配慮個人情報
FINANCIAL = ("credit_card", "bank_account", "login_credentials")  # misuse may cause financial damage; email/phone do not

# Families on the CRYPTREC e-Government list (also in ISO/IEC 18033-3), with their key sizes.
HIGH_LEVEL_CIPHERS: dict[str, frozenset[str]] = {
    "aes": frozenset({"128", "192", "256"}),
    "camellia": frozenset({"128", "192", "256"}),
}
# Well-known ciphers that still do not qualify, named so the console can say why.
NOT_HIGH_LEVEL: dict[str, Said] = {
    "chacha": Said("ChaCha20はCRYPTREC電子政府推奨暗号リストに未掲載", "ChaCha20 is not on the CRYPTREC e-Government list"),
}
NOT_REQUIRED_BY_ENCRYPTION = Said("高度な暗号化により不要", "Not required: high-level encryption")


@dataclass(frozen=True)
class Facts:
    """What is known about the loss; change a field and assess again."""
    inventory: DataInventory
    protection: Protection
    aware_at: datetime
    improper_purpose_suspected: bool = False
    all_data_in_encrypted_files: bool = False
    persons_contactable: bool = True
    gdpr_unlikely_risk: bool = False
    gdpr_high_risk: bool | None = None

    def __post_init__(self) -> None:
        # Deadlines are legal moments: a naive time would silently shift them by the server's zone.
        if self.aware_at.utcoffset() is None:
            raise ValueError("aware_at must be timezone-aware")


@dataclass(frozen=True)
class Duty(Deadline):
    """One report or notice, whether it is required, why, and by when (times only when required)."""
    code: str
    law: str
    required: bool
    target_at: datetime | None
    limit_at: datetime | None
    reasons: tuple[Said, ...]
    title_ja: str
    title_en: str


@dataclass(frozen=True)
class Assessment:
    """One assessment: the APPI cases that apply, the encryption exemption and every duty."""
    appi_cases: tuple[int, ...]
    encryption_exempt: bool
    duties: tuple[Duty, ...]
    reasoning: tuple[Said, ...]

    def duty(self, code: str) -> Duty:
        """The duty with this code; KeyError if there is none."""
        for duty in self.duties:
            if duty.code == code:
                return duty
        raise KeyError(code)


def _present(wanted: tuple[str, ...]) -> Callable[[Facts], Said | None]:
    """The categories on the device that make the case apply, in words."""
    def match(f: Facts) -> Said | None:
        found = [c for c in wanted if c in f.inventory.categories]
        return Said("、".join(words.category(c, "ja") for c in found),
                    ", ".join(words.category(c, "en") for c in found)) if found else None
    return match


class CaseRule(NamedTuple):
    number: int
    match: Callable[[Facts], Said | None]  # the detail that makes the case apply, or None
    applies: Said  # with the detail as {0}
    absent: Said


def _persons(f: Facts) -> Said | None:
    return Said(f"{f.inventory.approx_persons:,}", f"{f.inventory.approx_persons:,}") \
        if f.inventory.approx_persons > PERSONS_THRESHOLD else None


APPI_CASES: tuple[CaseRule, ...] = (
    CaseRule(1, _present(SENSITIVE), Said("要配慮個人情報を含む：{0}", "Includes sensitive data: {0}"),
             Said("要配慮個人情報なし", "No sensitive data")),
    CaseRule(2, _present(FINANCIAL), Said("財産的被害のおそれがあるデータを含む：{0}", "Includes data open to financial misuse: {0}"),
             Said("財産的被害のおそれがあるデータなし", "No data open to financial misuse")),
    CaseRule(3, lambda f: Said("", "") if f.improper_purpose_suspected else None,
             Said("不正の目的によるおそれ（盗難・不正アクセスなど）", "May have an improper purpose (theft, unauthorised access)"),
             Said("不正の目的によるおそれなし", "No improper purpose suspected")),
    CaseRule(4, _persons, Said("本人の数が1,000人を超える（{0}人）", "More than 1,000 persons ({0})"),
             Said("本人の数が1,000人以下", "1,000 persons or fewer")),
)


def _case_line(rule: CaseRule, detail: Said | None) -> Said:
    if detail is None:
        return Said(f"({rule.number}) {rule.absent.ja}", f"({rule.number}) {rule.absent.en}")
    return Said(f"({rule.number}) " + rule.applies.ja.format(detail.ja), f"({rule.number}) " + rule.applies.en.format(detail.en))


def _cipher_problem(cipher: str) -> Said | None:
    """Why this cipher is not high-level, or None if it is."""
    tokens = re.findall(r"[a-z]+|\d+", cipher.lower())  # "AES-256 XTS", "aes256-gcm", "XTS-AES 128" alike
    for token, why in NOT_HIGH_LEVEL.items():
        if token in tokens:
            return why
    for family, sizes in HIGH_LEVEL_CIPHERS.items():
        after = tokens[tokens.index(family) + 1:][:1] if family in tokens else None
        # A mode or no size is fine; an unknown size ("AES-512") is not the listed cipher.
        if after is not None and not (after and after[0].isdigit() and after[0] not in sizes):
            return None
    return Said(f"高度な暗号方式と認められない（{cipher or '不明'}）", f"Not a recognised high-level cipher ({cipher or 'not stated'})")


# Each check returns why 高度な暗号化 fails, or None; all must pass. Without encryption the later checks
# (cipher, key) are moot, so assess keeps only the first reason then.
NOT_ENCRYPTED = Said("暗号化なし", "Not encrypted")
KEY_WITH_DEVICE = Said("鍵が端末と一緒に保管", "Key stored with the device")
OUTSIDE_FILES = Said("暗号化ファイル外にデータが残る可能性", "Personal data may lie outside the encrypted files")
EXEMPTION_CHECKS: tuple[Callable[[Facts], Said | None], ...] = (
    lambda f: NOT_ENCRYPTED if f.protection.encryption == "none" else None,
    lambda f: _cipher_problem(f.protection.cipher.strip()),
    lambda f: None if f.protection.key_stored_separately else KEY_WITH_DEVICE,
    lambda f: None if f.protection.encryption != "file_level" or f.all_data_in_encrypted_files else OUTSIDE_FILES,
)


@dataclass(frozen=True)
class _Findings:
    facts: Facts
    cases: tuple[int, ...]
    case_reasons: tuple[Said, ...]
    exempt: bool
    exemption: tuple[Said, ...]  # why exempt, or every reason why not
    high_risk: bool


Verdict = tuple[bool, tuple[Said, ...]]
NO_CASE = Said("第26条の4類型のいずれにも該当しない", "None of the four Art. 26 cases applies")


def _appi(fi: _Findings) -> Verdict:
    if not fi.cases:
        return False, (NO_CASE,)
    return (False, fi.case_reasons + fi.exemption + (NOT_REQUIRED_BY_ENCRYPTION,)) if fi.exempt else (
        True, fi.case_reasons + fi.exemption)  # also say why encryption did not help


def _notice(fi: _Findings, by_announcement: bool) -> Verdict:
    required, reasons = _appi(fi)
    if required and fi.facts.persons_contactable == by_announcement:  # one of the two, never both
        return False, (Said("本人に通知できる", "The persons can be notified"),) if by_announcement else (
            Said("本人への通知が困難：公表で代替", "The persons cannot be notified: public announcement instead"),)
    return required, reasons


def _my_number(fi: _Findings) -> Verdict:
    if "my_number" not in fi.facts.inventory.categories:
        return False, (Said("特定個人情報（個人番号）なし", "No My Number data"),)
    if fi.exempt:  # the My Number rules carry the same high-level encryption exclusion
        return False, fi.exemption + (NOT_REQUIRED_BY_ENCRYPTION,)
    return True, (Said("特定個人情報（個人番号）を含む", "Includes My Number data"),) + fi.exemption


NO_EU = Said("EU域内の本人のデータなし", "No EU data subjects")


def _gdpr(fi: _Findings, persons: bool) -> Verdict:
    if not fi.facts.inventory.eu_data_subjects:
        return False, (NO_EU,)
    if fi.exempt and persons:
        return False, fi.exemption + (Said("暗号化により判読不能（第34条3項a）", "Data unintelligible: encrypted (Art. 34(3)(a))"),)
    if fi.exempt:  # key kept apart, so the finder cannot read it: the breach is unlikely to result in a risk
        return False, fi.exemption + (Said("暗号化によりリスクの可能性は低い（第33条1項）",
                                           "Unlikely to result in a risk: encrypted (Art. 33(1))"),)
    if persons:
        return fi.high_risk, (Said("本人への高いリスク", "High risk to the persons"),) + fi.exemption if fi.high_risk else (
            Said("本人への高いリスクなし", "No high risk to the persons"),)
    if fi.facts.gdpr_unlikely_risk:
        return False, (Said("リスクが生じる可能性は低い（第33条1項）", "Unlikely to result in a risk (Art. 33(1))"),)
    return True, (Said("EU域内の本人のデータを含む", "Includes data of EU data subjects"),) + fi.exemption


Offset = Callable[[_Findings], timedelta | None]
_never: Offset = lambda fi: None  # noqa: E731


def _after(delta: timedelta) -> Offset:
    return lambda fi: delta


def _final(fi: _Findings) -> timedelta:
    return FINAL_IMPROPER if 3 in fi.cases else FINAL


class DutyRule(NamedTuple):
    code: str
    law: str
    title_ja: str
    title_en: str
    verdict: Callable[[_Findings], Verdict]
    target: Offset  # from aware_at
    limit: Offset


_APPI, _MYNA = "APPI Art. 26 (個人情報保護法第26条)", "My Number Act Art. 29-4 (番号法第29条の4)"
LAWS: dict[str, Said] = {  # each stored citation (both languages: events, logs) as one language says it
    _APPI: Said("個人情報保護法第26条", "APPI Art. 26"),
    _APPI + " proviso": Said("個人情報保護法第26条第2項ただし書", "APPI Art. 26(2) proviso"),
    _MYNA: Said("番号法第29条の4", "My Number Act Art. 29-4"),
    "GDPR Art. 33": Said("GDPR第33条", "GDPR Art. 33"), "GDPR Art. 34": Said("GDPR第34条", "GDPR Art. 34"),
}
DUTY_RULES: tuple[DutyRule, ...] = (
    DutyRule("appi_ppc_preliminary", _APPI, "個人情報保護委員会への速報", "Preliminary report to the PPC",
             _appi, _after(PROMPT_TARGET), _after(PROMPT_LIMIT)),
    DutyRule("appi_ppc_final", _APPI, "個人情報保護委員会への確報", "Final report to the PPC", _appi, _never, _final),
    DutyRule("appi_notify_persons", _APPI, "本人への通知", "Notice to the persons concerned",
             lambda fi: _notice(fi, False), _after(PROMPT_TARGET), _never),
    DutyRule("public_announcement", _APPI + " proviso", "公表・問合せ窓口の設置", "Public announcement and inquiry desk",
             lambda fi: _notice(fi, True), _after(PROMPT_TARGET), _never),
    DutyRule("my_number_report_preliminary", _MYNA, "特定個人情報の漏えい等の速報", "Preliminary My Number report to the PPC",
             _my_number, _after(PROMPT_TARGET), _after(PROMPT_LIMIT)),
    DutyRule("my_number_report_final", _MYNA, "特定個人情報の漏えい等の確報", "Final My Number report to the PPC",
             _my_number, _never, _final),
    DutyRule("gdpr_authority", "GDPR Art. 33", "監督機関への通知", "Notification of the supervisory authority",
             lambda fi: _gdpr(fi, False), _never, _after(GDPR_AUTHORITY)),
    DutyRule("gdpr_notify_persons", "GDPR Art. 34", "データ主体への通知", "Communication to the data subjects",
             lambda fi: _gdpr(fi, True), _never, _never),
)


def assess(facts: Facts) -> Assessment:
    """Every duty these facts trigger or not, with reasons and deadlines from aware_at."""
    matched = [(rule, rule.match(facts)) for rule in APPI_CASES]
    lines = [_case_line(r, d) for r, d in matched]
    cases = tuple(r.number for r, d in matched if d)
    p = facts.protection
    failures = [why for check in EXEMPTION_CHECKS if (why := check(facts))]
    failures = failures[:1] if p.encryption == "none" else failures
    exemption = tuple(failures) or (Said(f"高度な暗号化（{p.cipher}）・鍵は別保管", f"High-level encryption ({p.cipher}), key kept apart"),)
    high_risk = facts.gdpr_high_risk
    if high_risk is None:  # default: the data APPI itself treats as most harmful (cases 1 and 2)
        high_risk = bool({1, 2} & set(cases)) and not facts.gdpr_unlikely_risk
    fi = _Findings(facts, cases, tuple(line for line, (_, d) in zip(lines, matched) if d), not failures, exemption, high_risk)
    duties = []
    for rule in DUTY_RULES:
        required, reasons = rule.verdict(fi)
        target, limit = (rule.target(fi), rule.limit(fi)) if required else (None, None)  # nothing is due otherwise
        due = [None if offset is None else facts.aware_at + offset for offset in (target, limit)]
        duties.append(Duty(rule.code, rule.law, required, *due, reasons, rule.title_ja, rule.title_en))
    reasoning = (*lines, *exemption, *(Said(f"{d.title_ja}：{'要' if d.required else '不要'}",
                                            f"{d.title_en}: {'required' if d.required else 'not required'}") for d in duties))
    return Assessment(cases, not failures, tuple(duties), reasoning)


NO_DATA = Said("まだ法的義務の判定材料がありません：台帳にも紛失報告にも、端末にあった個人データの記録がありません。"
               "紛失報告で確認してください",
               "Nothing to assess the legal duties on yet: neither the ledger nor a loss report records personal data "
               "on the device. Confirm it in the loss report")


def why_none_required(assessment: Assessment, inventory: DataInventory) -> Said:
    """Why no duty is required: no personal data recorded at all, or what the assessment found for each law."""
    if not (inventory.categories or inventory.customer_ids or inventory.approx_persons):
        return NO_DATA
    found = dict.fromkeys(assessment.duty(code).reasons[-1] for code in
                          ("appi_ppc_preliminary", "my_number_report_preliminary", "gdpr_authority"))
    return Said("判定の結果、報告・通知の義務はいずれも不要です：" + "；".join(r.ja for r in found),
                "The assessment requires no report or notice: " + "; ".join(r.en for r in found))


def law(citation: str, lang: str) -> str:
    """A duty's legal basis in one language (a citation this table does not know is shown as stored)."""
    said = LAWS.get(citation)
    return said.in_(lang) if said else citation
