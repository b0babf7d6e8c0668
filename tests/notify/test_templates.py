"""Every template in both languages, rendered from the example events as notify plans them: the HTML and
text parts say the same, an English e-mail has no Japanese in it, a Japanese one no codes, and every
e-mail to staff or an employee says what to do next, whom to call and where the console is."""
from __future__ import annotations

import pytest
from contracts import events as ev
from contracts.examples import EXAMPLES
from notify.plan import plan
from notify.render import TEMPLATES, render

from tests.notify.conftest import CONSOLE_URL, DESK, plain_settings
from tests.notify.mailcheck import html_text, japanese_in, stray_codes, words_of

EXAMPLE = {type(e): e for e in EXAMPLES}
CUSTOMER_TEMPLATES = ("apology_notice", "status_report", "inquiry_reply")
NEXT_STEP = {"ja": "次にすること", "en": "Next steps"}

# an English-speaking office: people, ledger texts, the closing note and the company all in English
EMMA = ev.Person(employee_number="E003", name="Emma Clark", email="emma.clark@example.co.jp", department="Sales",
                 language="en")
JOHN = ev.Person(employee_number="M002", name="John Smith", email="john.smith@example.co.jp", department="Sales",
                 language="en")
_ASSET = EXAMPLE[ev.PossibleLossDetected].asset.model_copy(update={"department": "Sales"})
_INCIDENT = EXAMPLE[ev.IncidentOpened].incident.model_copy(update={"holder": EMMA, "manager": JOHN, "asset": _ASSET})


def _english(event: ev.Event) -> ev.Event:
    if isinstance(event, ev.PossibleLossDetected):
        return event.model_copy(update={"holder": EMMA, "manager": JOHN, "asset": _ASSET})
    if isinstance(event, ev.AssetRecovered):
        return event.model_copy(update={"holder": EMMA, "manager": JOHN, "returned_by": EMMA})
    if isinstance(event, ev.IncidentEvent):
        return event.model_copy(update={"incident": _INCIDENT})
    if isinstance(event, ev.CustomerNoticeRequested):
        return event.model_copy(update={"variables": {**event.variables, "company": "Sample Co., Ltd."}, "recipients": tuple(
            r.model_copy(update={"name": "Jane Doe", "language": "en"}) for r in event.recipients)})
    return event


def _variants() -> list[ev.Event]:
    """The examples, and the cases that take other branches of the templates."""
    opened, recovered = EXAMPLE[ev.IncidentOpened], EXAMPLE[ev.AssetRecovered]
    reported = opened.model_copy(update={"origin": "reported", "checkout": None, "event_id": "reported",
                                         "incident": opened.incident.model_copy(update={"open_deadlines": (),
                                                                                        "next_deadline": None})})
    by_other = recovered.model_copy(update={"returned_by": None, "event_id": "by-other"})
    notice = EXAMPLE[ev.CustomerNoticeRequested]
    letters = [notice.model_copy(update={"template": template, "event_id": template,
                                         "variables": {**notice.variables, "summary": "Only e-mail addresses.",
                                                       "answer": "Yes.", "contact": "0120-000-000"}})
               for template in ("status_report", "inquiry_reply")]
    return [*EXAMPLES, reported, by_other, *letters]


def rendered(english: bool) -> list[tuple[str, str, str, object]]:
    """(template, language, recipient's name, Rendered) for every e-mail the variants call for."""
    settings = plain_settings(staff_language="en" if english else "ja")
    out = []
    for event in _variants():
        for item in plan(_english(event) if english else event, settings):
            out.append((item.template, item.language, item.name,
                        render(item.template, item.language, item.variables, settings.timezone)))
    return out


JAPANESE, ENGLISH = rendered(english=False), rendered(english=True)


def test_every_template_is_checked_in_both_languages():
    templates = {path.name for path in TEMPLATES.iterdir() if path.is_dir() and not path.name.startswith("_")}
    assert {(t, lang) for t, lang, _, _ in JAPANESE + ENGLISH} == {(t, lang) for t in templates for lang in ("ja", "en")}


@pytest.mark.parametrize(("template", "lang", "name", "mail"), JAPANESE + ENGLISH,
                         ids=[f"{t}-{lang}-{i}" for i, (t, lang, _, _) in enumerate(JAPANESE + ENGLISH)])
def test_the_html_and_text_parts_carry_the_same_words(template, lang, name, mail):
    assert words_of(html_text(mail.html)) == words_of(mail.text)
    assert f'<html lang="{lang}">' in mail.html


@pytest.mark.parametrize(("template", "name", "mail"), [(t, n, m) for t, _, n, m in ENGLISH],
                         ids=[f"{t}-{i}" for i, (t, _, _, _) in enumerate(ENGLISH)])
def test_an_english_mail_has_no_japanese_but_the_recipients_own_name(template, name, mail):
    for part in (mail.subject, mail.text, html_text(mail.html)):
        assert japanese_in(part, allowed=(name,)) == [], part


@pytest.mark.parametrize(("template", "mail"), [(t, m) for t, _, _, m in JAPANESE],
                         ids=[f"{t}-{i}" for i, (t, _, _, _) in enumerate(JAPANESE)])
def test_a_japanese_mail_says_codes_in_words(template, mail):
    assert stray_codes(mail.subject + "\n" + mail.text) == []
    assert " / " not in mail.subject  # the bilingual incident title is never a subject


@pytest.mark.parametrize(("template", "lang", "mail"),
                         [(t, lang, m) for t, lang, _, m in JAPANESE + ENGLISH if t not in CUSTOMER_TEMPLATES],
                         ids=[f"{t}-{lang}-{i}" for i, (t, lang, _, _) in enumerate(JAPANESE + ENGLISH)
                              if t not in CUSTOMER_TEMPLATES])
def test_every_mail_to_staff_or_an_employee_gives_the_next_step_the_desk_and_the_console(template, lang, mail):
    next_step = {"possible_loss_holder": {"ja": "すぐに返却してください", "en": "Please return it now"},
                 "incident_opened_manager": {"ja": "お願いしたいこと", "en": "What we ask of you"}}
    assert next_step.get(template, NEXT_STEP)[lang] in mail.text
    assert DESK.phone in mail.text and DESK.email in mail.text and DESK.location(lang) in mail.text
    if template.startswith("incident_"):
        assert f"{CONSOLE_URL}/incidents/INC-2026-0007" in mail.text
        assert f'href="{CONSOLE_URL}/incidents/INC-2026-0007"' in mail.html
    elif template == "asset_recovered_staff":
        assert f'href="{CONSOLE_URL}/"' in mail.html


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_incident_mail_lists_every_open_deadline_with_its_due_time_and_law(lang):
    origin = {"ja": "返却期限超過による自動起票", "en": "opened automatically"}[lang]
    mail = next(m for t, _, _, m in (JAPANESE if lang == "ja" else ENGLISH) if t == "incident_opened" and origin in m.text)
    if lang == "ja":
        assert "個人情報保護委員会への速報（個人情報保護法第26条）: 12月3日(木) 18:00 JST（目安）" in mail.text
        assert "個人情報保護委員会への確報（個人情報保護法第26条）: 12月30日(水) 18:00 JST（法定期限）" in mail.text
    else:
        assert "Preliminary report to the PPC (APPI Art. 26): Thu 3 Dec 18:00 JST (target)" in mail.text
        assert "Final report to the PPC (APPI Art. 26): Wed 30 Dec 18:00 JST (legal limit)" in mail.text


def test_an_incident_without_deadlines_says_why_none_are_shown():
    mail = next(m for t, _, _, m in JAPANESE if t == "incident_opened" and "報告による起票" in m.text)
    assert "現時点で期限のある義務はありません" in mail.text
