"""The console in real Chromium: each role signs in, a responder completes the loss report and sees the duties
recomputed, a correction strikes the old entry through, the privacy officer records a cost claim with the legal
warnings shown before sending, a viewer sees no forms, English on request. Screens go to
test-artifacts/console-screens/."""
from __future__ import annotations

import pytest
from eventlet import patcher

if patcher.is_monkey_patched("socket"):
    pytest.skip("run the console tests on plain threads: pytest -p no:eventlet tests/console", allow_module_level=True)

from incident.roles import ROLES
from tests.console.stack import LARGE, SMALL, shot, sign_in

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect


def post_forms(page) -> int:
    """Forms that change an incident (the language toggle and sign-out are not counted)."""
    return page.locator("main form[method=post]").count()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_signs_in_and_sees_the_nearest_deadline_first(page, console, role):
    sign_in(page, console, role)
    rows = page.get_by_test_id("incident-list").locator("tbody tr")
    expect(rows.nth(0)).to_contain_text(LARGE)  # its deadlines run; the other has none yet
    expect(rows.nth(0)).to_contain_text("残り")
    expect(rows.nth(1)).to_contain_text(SMALL)
    expect(page.locator("#report-loss")).to_have_count(0 if role == "viewer" else 1)
    if role == "responder":
        shot(page, "list")


def test_login_refuses_a_wrong_password_and_keeps_the_username(page, console):
    page.goto(console.url)
    page.fill("input[name=username]", "responder")
    page.fill("input[name=password]", "not-the-password")
    page.click("button.primary")
    expect(page.get_by_test_id("refusal")).to_have_text("ユーザー名またはパスワードが正しくありません。")
    expect(page.locator("input[name=username]")).to_have_value("responder")
    expect(page.get_by_test_id("who")).to_have_count(0)


CHOICES = {"data-0-present": "yes", "data-1-present": "yes", "data-2-category": "health", "data-2-present": "yes",
           "customer-0-present": "yes"}
TYPED = {"data-2-note": "産業医面談の記録（3名分）", "last_seen_at": "2026-11-30T17:40", "last_seen_place": "品川駅 3番線ホーム",
         "circumstances": "電車の網棚にかばんを置いたまま降車した", "move-0-at": "2026-11-30T18:10",
         "move-0-place": "品川駅 忘れ物センター", "move-0-text": "忘れ物センターに問い合わせたが届いていない",
         "told-0-at": "2026-11-30T18:20", "told-0-who": "田中 課長", "told-0-how": "電話"}


def fill_report(page):
    """The report as the holder gives it: name and email confirmed, health data added, every prompt answered."""
    form = page.get_by_test_id("report-form")
    for name, value in CHOICES.items():
        form.locator(f"select[name={name}]").select_option(value)
    for select in form.locator("ul.forgotten select").all():
        select.select_option("no")
    form.locator("input[name=model_number_confirmed]").check()
    form.locator("input[name=serial_number_confirmed]").check()
    for name, value in TYPED.items():
        form.locator(f"[name={name}]").fill(value)


def test_responder_submits_the_loss_report_and_sees_the_duties_recomputed(page, console):
    sign_in(page, console, "responder")
    page.goto(console.url + f"incidents/{SMALL}")
    preliminary = page.locator("tr[data-duty=appi_ppc_preliminary]")
    expect(preliminary.locator("td.req")).to_have_text("不要")
    fill_report(page)
    page.get_by_test_id("report-form").locator("select[name=data-0-present]").select_option("no")  # no reason given
    page.get_by_test_id("report-form").locator("button.primary").click()
    expect(page.get_by_test_id("refusal")).to_contain_text("該当しない理由")
    expect(page.locator("textarea[name=circumstances]")).to_have_value("電車の網棚にかばんを置いたまま降車した")
    expect(page.locator("select[name=data-2-category]")).to_have_count(0)  # the added row is kept, now fixed
    page.locator("select[name=data-0-present]").select_option("yes")
    page.get_by_test_id("report-form").locator("button.primary").click()
    expect(page.locator(".flash")).to_have_text("保存しました。")
    expect(preliminary.locator("td.req")).to_have_text("要")
    expect(preliminary).to_contain_text("残り")
    expect(page.get_by_test_id("appi-cases")).to_contain_text("(1)")
    expect(page.get_by_test_id("status")).to_have_text("紛失確認")
    expect(page.get_by_test_id("timeline")).to_contain_text("法的義務を再判定")
    expect(page.get_by_test_id("timeline")).to_contain_text("忘れ物センターに問い合わせたが届いていない")
    expect(page.get_by_test_id("versions")).to_contain_text("第1版")
    expect(page.locator("select[name=data-2-present]")).to_have_value("yes")  # the next version starts from this one
    shot(page, "incident-after-report")


def test_a_corrected_timeline_entry_is_struck_through(page, console):
    sign_in(page, console, "responder")
    page.goto(console.url + f"incidents/{SMALL}")
    form = page.get_by_test_id("timeline-form")
    form.locator("input[name=at]").fill("2026-11-30T19:00")
    form.locator("input[name=place]").fill("品川駅")
    form.locator("textarea[name=text]").fill("駅員に紛失届を提出した（19時）")
    form.locator("button").click()
    old = page.locator("[data-testid=timeline] tr", has_text="駅員に紛失届を提出した（19時）")
    old.get_by_text("訂正する").click()
    old.locator("textarea[name=text]").fill("駅員に紛失届を提出した（19時30分）")
    old.get_by_role("button", name="訂正を記録").click()
    struck = page.locator("[data-testid=timeline] tr.superseded")
    expect(struck).to_have_count(1)
    expect(struck.locator("del")).to_have_text("駅員に紛失届を提出した（19時）")
    expect(struck).to_contain_text("訂正済み")
    expect(page.locator("[data-testid=timeline] tr", has_text="19時30分")).to_contain_text("の訂正")


def test_privacy_officer_sees_the_legal_warnings_before_recording_a_cost_claim(page, console):
    sign_in(page, console, "privacy_officer")
    page.goto(console.url + f"incidents/{LARGE}")
    claim = page.locator("details[data-measure=cost_claim]")
    claim.locator("summary").click()
    expect(claim.locator("ul.warnings")).to_contain_text("労働基準法第16条")
    expect(claim.locator("ul.warnings")).to_contain_text("おおむね半額が上限")
    claim.locator("input[name=actual_cost_yen]").fill("180000")
    claim.locator("input[name=claimed_yen]").fill("50000")
    claim.locator("input[name=penalty_fixed_in_advance]").check()
    claim.locator("button.primary").click()
    expect(page.get_by_test_id("refusal")).to_contain_text("労働基準法第16条により禁止")
    claim = page.locator("details[data-measure=cost_claim]")
    expect(claim.locator("input[name=actual_cost_yen]")).to_have_value("180000")
    claim.locator("input[name=penalty_fixed_in_advance]").uncheck()
    claim.locator("input[name=claimed_yen]").fill("120000")
    claim.locator("button.primary").click()
    recorded = page.get_by_test_id("measures")
    expect(recorded).to_contain_text("実費の請求")
    expect(recorded).to_contain_text("120,000")
    expect(recorded).to_contain_text("privacy_officer")  # who decided
    expect(recorded).to_contain_text("実損額の半額を超えています")
    expect(page.locator("a", has_text="Markdown")).to_have_count(1)  # the PPC draft is theirs to write
    shot(page, "incident-measures")


def test_viewer_sees_the_file_but_no_form_that_changes_it(page, console):
    sign_in(page, console, "viewer")
    page.goto(console.url + f"incidents/{LARGE}")
    expect(page.get_by_test_id("duties")).to_contain_text("個人情報保護委員会への速報")
    expect(page.get_by_test_id("timeline")).to_contain_text("返却予定時刻を過ぎても未返却")
    assert post_forms(page) == 0
    expect(page.get_by_text("訂正する")).to_have_count(0)
    expect(page.locator("a", has_text="Markdown")).to_have_count(0)
    shot(page, "incident-viewer")


def test_english_toggle_lasts_for_the_session(page, console):
    sign_in(page, console, "admin")
    page.get_by_test_id("lang-en").click()
    expect(page.locator("h1")).to_contain_text("Incidents")
    page.goto(console.url + f"incidents/{LARGE}")
    expect(page.locator("#duties h2")).to_have_text("Legal duties and deadlines")
    expect(page.locator("tr[data-duty=appi_ppc_preliminary]")).to_contain_text("Preliminary report to the PPC")
    expect(page.locator("tr[data-duty=appi_ppc_preliminary] td.req")).to_have_text("required")
    expect(page.get_by_test_id("timeline")).to_contain_text("Not returned by the due time")
    shot(page, "incident-en")
    page.get_by_test_id("lang-ja").click()
    expect(page.locator("#duties h2")).to_have_text("法的義務と期限")
