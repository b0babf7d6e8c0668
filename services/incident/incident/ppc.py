"""The draft report to the Personal Information Protection Commission (個人情報保護委員会への報告),
with the nine items of the APPI Enforcement Rules Art. 8(1), filled from the incident file.

A draft for the privacy officer to complete and file through the PPC's online form: items the file
cannot know yet are marked 【要記入】 (to be completed) rather than left out. Japanese only, as the form is:
every text made by the service is said in Japanese (``incident.texts``), times in the configured zone.
"""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from contracts import words as said
from incident import views
from incident.models import Incident
from incident.schemas import FORGOTTEN
from incident.texts import label, say, when

TODO = "【要記入】"

_env = Environment(loader=PackageLoader("incident", "templates"), undefined=StrictUndefined, trim_blocks=True,
                   lstrip_blocks=True, autoescape=select_autoescape(["html.j2"]))


class Item(NamedTuple):
    number: int
    title: str
    lines: list[str]
    bullets: list[str]


def items(incident: Incident, tz: ZoneInfo) -> list[Item]:
    """The nine items, as sentences and lists (the same for both formats)."""
    def local(moment: datetime | None) -> str:
        return when(moment, tz, "%Y年%m月%d日 %H:%M") if moment else TODO

    inventory = views.inventory(incident)
    report = incident.reports[-1].body if incident.reports else None
    asset, protection, facts = incident.asset or {}, incident.protection, incident.facts
    duties = {d.code: d for d in incident.duties}
    cases = views.assessment(incident).appi_cases
    last_seen = (f"{local(datetime.fromisoformat(report['last_seen_at']))}（{report['last_seen_place']}）"
                 if report else TODO)
    kind = said.kind(asset.get("kind", "other"))
    what = (f"従業員が業務で持ち出した{kind} {asset.get('tag', '')}（型番 {asset.get('model_number') or '—'}、"
            f"製造番号 {asset.get('serial_number') or '—'}）が所在不明となった。")
    if incident.recovered_at:
        what += f" その後回収された（{local(incident.recovered_at)}）。"
    forgotten = [FORGOTTEN[k][0] for k, v in (report["forgotten"].items() if report else []) if v != "no"]
    protection_line = (f"保護措置：{said.encryption(protection.get('encryption', 'none'))}"
                       f"{'（' + protection['cipher'] + '）' if protection.get('cipher') else ''}、"
                       f"鍵の別保管 {'あり' if protection.get('key_stored_separately') else 'なし'}、"
                       f"遠隔消去 {'可' if protection.get('remote_wipe') else '不可'}")
    persons = f"{inventory.approx_persons:,}名" if inventory.approx_persons else TODO
    customers = f"（顧客 {len(inventory.customer_ids)} 社分{'、EU域内の本人を含む' if inventory.eu_data_subjects else ''}）"
    improper = facts.get("improper_purpose_suspected") or (report and report.get("lost_or_stolen") == "stolen")

    def duty_line(code: str, name: str) -> str:
        duty = duties.get(code)
        if duty is None or not duty.required:
            return f"{name}：法令上の義務なし（{'；'.join(say(r, 'ja') for r in duty.reasons) if duty else '—'}）"
        return f"{name}：" + (f"完了（{local(duty.done_at)}）" if duty.done_at else f"未了（期限 {local(duty.due_at)}）")

    causes = [f"{label(c['category'], 'ja')}：{c['text']}" for c in (incident.review.causes if incident.review else [])]
    actions = [f"{a.description}（担当 {a.owner}、期限 {a.due_on.isoformat()}、{label(a.status, 'ja')}）"
               for a in incident.actions]
    timeline = [f"{local(e.at)} {e.place + ' ' if e.place else ''}{views.entry_text(e, 'ja', tz)}" for e in incident.timeline
                if e.kind in ("fact", "told") and not any(x.supersedes_id == e.id for x in incident.timeline)]
    return [
        Item(1, "概要", [f"発生日時（最後に所在を確認した日時・場所）：{last_seen}",
                       f"発覚日時（当社が認識した日時）：{local(incident.aware_at)}",
                       f"発生事案：{what}", f"経緯：{report['circumstances'] if report else TODO}",
                       "漏えい等のおそれの類型：" + (f"個人情報保護法施行規則第7条 {'・'.join(f'第{n}号' for n in cases)}"
                                           if cases else "該当なし（高度な暗号化等の保護措置）")], []),
        Item(2, "漏えい等が発生し、又は発生したおそれがある個人データの項目",
             [protection_line] + ([f"端末内に残存していた可能性があるもの：{'、'.join(forgotten)}"] if forgotten else []),
             [said.category(c) for c in inventory.categories] or [TODO]),
        Item(3, "漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数", [persons + customers], []),
        Item(4, "原因", [], causes or [f"{TODO}（原因分析を記録してください）"]),
        Item(5, "二次被害又はそのおそれの有無及びその内容",
             ["盗難の可能性があり、不正な目的で利用されるおそれがある。" if improper else
              f"現時点で二次被害は確認されていない。{TODO}（確認方法）"], []),
        Item(6, "本人への対応の実施状況", [duty_line("appi_notify_persons", "本人への通知")], []),
        Item(7, "公表の実施状況", [duty_line("public_announcement", "公表・問合せ窓口")], []),
        Item(8, "再発防止のための措置", [], actions or [TODO]),
        Item(9, "その他参考となる事項", [f"社内管理番号：{incident.reference}（起票 {local(incident.opened_at)}）",
                                 duty_line("gdpr_authority", "GDPR 監督機関への通知")], timeline),
    ]


def render(incident: Incident, fmt: str = "markdown", tz: ZoneInfo | str = "Asia/Tokyo") -> str:
    """The draft as Markdown or HTML."""
    if fmt not in ("markdown", "html"):
        raise ValueError("fmt is 'markdown' or 'html'")
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    name = "ppc_report.md.j2" if fmt == "markdown" else "ppc_report.html.j2"
    return _env.get_template(name).render(reference=incident.reference, items=items(incident, zone), todo=TODO)
