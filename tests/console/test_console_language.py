"""The console reads as one language in Chromium: a refused form names the field by its label and marks it, the
timeline and the duties are said in the page's language with the zone shown, codes are words, the PPC draft is
Japanese only, empty lists and missing deadlines say why, and a link by asset tag finds the incident."""
from __future__ import annotations

import re

import pytest
from eventlet import patcher

if patcher.is_monkey_patched("socket"):
    pytest.skip("run the console tests on plain threads: pytest -p no:eventlet tests/console", allow_module_level=True)

from tests.console.stack import LARGE, SMALL, password, shot, sign_in

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,})+\b")  # two English words in a row
CODES = ("my_number", "full_disk", "file_level", "appi_ppc", "gdpr_authority", "possible_loss", "in_progress", "no_leak",
         "birth_date", "usb_storage", "opened_possible_loss", "duties_recomputed")


def english(page):
    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def wait_for_mark(page, name: str) -> None:
    """The visible mark drawn next to a field a refusal names (once the style sheet has applied)."""
    page.wait_for_function(f"""getComputedStyle(document.querySelector('[name="{name}"]').parentElement, '::after')
                              .content === '"!"'""", timeout=5000)


@pytest.mark.parametrize("lang, said", [("ja", "データの項目 1 行目の『含まれていたか』を選んでください"),
                                        ("en", "Choose “On it?” in row 1 of the data items.")])
def test_an_empty_loss_report_names_the_field_by_its_label_and_marks_it(page, console, lang, said):
    sign_in(page, console, "responder")
    if lang == "en":
        english(page)
    page.goto(console.url + f"incidents/{SMALL}")
    form = page.get_by_test_id("report-form")
    form.locator("[name=last_seen_place]").fill("品川駅 3番線ホーム")
    form.locator("button.primary").click()
    expect(page.get_by_test_id("refusal")).to_have_text(said)
    field = page.locator("[name=data-0-present]")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", "refusal")
    wait_for_mark(page, "data-0-present")
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)  # only the field named
    expect(page.locator("[name=last_seen_place]")).to_have_value("品川駅 3番線ホーム")  # what was typed is kept
    page.locator("a.to-field").click()
    expect(field).to_be_in_viewport()
    shot(page, f"report-refused-{lang}")


def test_an_unanswered_prompt_is_named_and_marked_and_the_raw_codes_never_show(page, console):
    sign_in(page, console, "responder")
    page.goto(console.url + f"incidents/{SMALL}")
    form = page.get_by_test_id("report-form")
    for name in ("data-0-present", "data-1-present", "customer-0-present"):
        form.locator(f"[name={name}]").select_option("yes")
    for name, value in {"last_seen_at": "2026-11-30T17:40", "last_seen_place": "品川駅", "circumstances": "置き忘れ"}.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button.primary").click()
    refusal = page.get_by_test_id("refusal")
    expect(refusal).to_contain_text("報告書が不完全です：未回答：オフライン同期されたファイル")
    expect(page.locator("[name=forgotten-offline_files]")).to_have_attribute("aria-invalid", "true")
    assert "offline_files" not in refusal.inner_text()


@pytest.mark.parametrize("lang, missing, future", [
    ("ja", "『日時』に日付と時刻を入力してください", "『日時』が未来の日時になっています。起きた日時を入力してください"),
    ("en", "Fill in “When” with a date and time.", "“When” is in the future. Enter when it happened.")])
def test_a_timeline_fact_needs_its_date_and_cannot_be_in_the_future(page, console, lang, missing, future):
    sign_in(page, console, "responder")
    if lang == "en":
        english(page)
    page.goto(console.url + f"incidents/{SMALL}")
    form = page.get_by_test_id("timeline-form")
    form.locator("textarea[name=text]").fill("駅の忘れ物窓口に連絡した")
    form.locator("button").click()
    expect(page.get_by_test_id("refusal")).to_have_text(missing)
    form = page.get_by_test_id("timeline-form")
    expect(form.locator("[name=at]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("textarea[name=text]")).to_have_value("駅の忘れ物窓口に連絡した")
    form.locator("[name=at]").fill("2099-01-01T10:00")
    form.locator("button").click()
    expect(page.get_by_test_id("refusal")).to_have_text(future)
    expect(page.get_by_test_id("timeline")).not_to_contain_text("駅の忘れ物窓口に連絡した")  # nothing was added


def test_the_recomputed_duties_read_in_the_pages_language_with_the_zone_shown(page, console):
    sign_in(page, console, "viewer")
    page.goto(console.url + f"incidents/{LARGE}")
    entry = page.locator("[data-testid=timeline] tr", has_text="法的義務を再判定").locator("td.what")
    text = entry.inner_text()
    assert "JST" in text and "UTC" not in text and " / " not in text
    assert not re.search(r"[A-Za-z]{2,}", text.replace("JST", "")), text  # no English in the Japanese page
    target = page.locator("tr[data-duty=appi_ppc_preliminary] td.time").first.inner_text()
    assert target.endswith("JST") and target in text  # the same local time as the duties table
    english(page)
    entry = page.locator("[data-testid=timeline] tr", has_text="Duties recomputed").locator("td.what")
    text = entry.inner_text()
    assert "JST" in text and not CJK.search(text), text
    shot(page, "timeline-en")


def test_codes_are_words_and_lists_are_written_in_the_pages_language(page, console):
    sign_in(page, console, "viewer")
    page.goto(console.url + f"incidents/{SMALL}")
    expect(page.get_by_test_id("inventory")).to_contain_text("氏名、メールアドレス")
    expect(page.get_by_test_id("duties")).to_contain_text("特定個人情報（個人番号）なし")
    expect(page.get_by_test_id("title")).to_have_text("ノートPC LT-0001 の紛失の疑い")
    main = page.locator("main").inner_text()
    assert not [code for code in CODES if code in main] and " / " not in main
    english(page)
    expect(page.get_by_test_id("inventory")).to_contain_text("name, e-mail address")
    expect(page.get_by_test_id("duties")).to_contain_text("No My Number data")
    expect(page.get_by_test_id("title")).to_have_text("Possible loss of laptop LT-0001")
    main = page.locator("main").inner_text()
    assert not [code for code in CODES if code in main] and "、" not in main
    page.goto(console.url)
    titles = page.get_by_test_id("incident-list").locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert titles == ["Possible loss of laptop LT-0002", "Possible loss of laptop LT-0001"]


def test_a_suspected_incident_without_duties_says_why_and_an_empty_list_is_an_empty_state(page, console):
    sign_in(page, console, "responder")
    row = page.get_by_test_id("incident-list").locator("tr", has_text=SMALL)
    expect(row.get_by_test_id("no-deadline")).to_have_text("義務なし（判定済み）")
    page.goto(console.url + f"incidents/{SMALL}")
    why = page.get_by_test_id("next-deadline")
    expect(why).to_contain_text("判定の結果、報告・通知の義務はいずれも不要です：第26条の4類型のいずれにも該当しない")
    expect(why).to_contain_text("EU域内の本人のデータなし")
    versions = page.get_by_test_id("versions")
    expect(versions).to_have_text("まだ提出されていません。")
    assert versions.evaluate("e => e.tagName") == "P"  # not "1." in front of it
    page.goto(console.url)
    page.locator("#report-loss summary").click()
    form = page.get_by_test_id("report-loss-form")
    form.locator("textarea[name=description]").fill("私物のかばんごと紛失（中身は不明）")
    form.locator("button.primary").click()
    expect(page.get_by_test_id("next-deadline")).to_contain_text("まだ法的義務の判定材料がありません")
    english(page)
    expect(page.get_by_test_id("next-deadline")).to_contain_text("Nothing to assess the legal duties on yet")


def test_the_ppc_draft_is_in_japanese_only(page, console):
    sign_in(page, console, "responder")
    page.goto(console.url + f"incidents/{LARGE}")
    form = page.get_by_test_id("timeline-form")
    form.locator("[name=at]").fill("2026-11-30T19:00")
    form.locator("textarea[name=text]").fill("駅員に紛失届を提出した")
    form.locator("button").click()
    page.locator("select[name=cause-0-category]").select_option("workload")
    page.locator("input[name=cause-0-text]").fill("月末の繁忙で持ち帰りが常態化")
    page.get_by_test_id("review-form").locator("button").click()
    expect(page.locator(".flash")).to_have_text("保存しました。")
    page.locator("button.link").click()  # sign out
    sign_in(page, console, "privacy_officer")
    english(page)  # the reader's language does not change the draft: the PPC's form is in Japanese
    page.goto(console.url + f"incidents/{LARGE}/ppc.html")
    text = page.locator("body").inner_text()
    assert "個人データの漏えい等に関する報告書（案）" in text and "【要記入】" in text
    assert "業務量：月末の繁忙で持ち帰りが常態化" in text and "駅員に紛失届を提出した" in text
    assert "2026年11月30日 19:00 JST 駅員に紛失届を提出した" in text  # the timeline's facts, in the configured zone
    assert ENGLISH_PHRASE.findall(text) == [] and " / " not in text
    shot(page, "ppc-draft")


def test_a_link_by_asset_tag_finds_the_assets_open_incident_or_says_there_is_none(page, console):
    page.goto(console.url + "incidents/by-asset/LT-0002")  # from an e-mail, not yet signed in
    page.fill("input[name=username]", "responder")
    page.fill("input[name=password]", password("responder"))
    page.click("button.primary")
    expect(page).to_have_url(re.compile(f"incidents/{LARGE}$"))
    page.goto(console.url + "incidents/by-asset/sp-0009")
    expect(page.locator(".flash")).to_have_text("備品 SP-0009 について対応中のインシデントはありません。")
    expect(page.get_by_test_id("asset-filter")).to_contain_text("SP-0009")
    expect(page.get_by_test_id("incident-list")).to_contain_text("インシデントはありません。")
    page.goto(console.url + "?asset=LT-0001")
    expect(page.get_by_test_id("incident-list").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("incident-list")).to_contain_text(SMALL)
