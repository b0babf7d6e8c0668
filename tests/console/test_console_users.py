"""An admin keeps the console's users in Chromium: switches someone off, resets a password (the person's
open session ends at their next click), changes a role, and cannot lock themselves out."""
from __future__ import annotations

import pytest
from eventlet import patcher

if patcher.is_monkey_patched("socket"):
    pytest.skip("run the console tests on plain threads: pytest -p no:eventlet tests/console", allow_module_level=True)

from tests.console.stack import NAMES, http_login, shot, sign_in

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
NEW_PASSWORD = "a-brand-new-password-2026"


@pytest.fixture
def admin(browser, console):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="ja-JP", timezone_id="Asia/Tokyo")
    sign_in(page, console, "admin")
    page.goto(console.url + "users")
    yield page
    page.close()


def save(admin, username: str, role: str | None = None, active: bool | None = None, password: str = ""):
    row = admin.locator(f"tr[data-user='{username}']")
    if role:
        row.locator("select[name=role]").select_option(role)
    if active is not None:
        row.locator("input[name=active]").set_checked(active)
    if password:
        row.locator("input[name=password]").fill(password)
    row.get_by_role("button").click()


def still_signed_in(client, console) -> bool:
    return client.get(console.url, allow_redirects=False).status_code == 200


def test_a_user_switched_off_is_signed_out_at_once_and_cannot_sign_in(admin, console):
    responder, _ = http_login(console.url, "responder")
    save(admin, "responder", active=False)
    expect(admin.get_by_text("ユーザーを更新しました。")).to_be_visible()
    expect(admin.locator("tr[data-user='responder'] input[name=active]")).not_to_be_checked()
    shot(admin, "users")
    assert not still_signed_in(responder, console)
    with pytest.raises(AssertionError):
        http_login(console.url, "responder")


def test_a_reset_password_ends_the_old_session_and_the_new_one_works(admin, console, browser):
    viewer, _ = http_login(console.url, "viewer")
    save(admin, "viewer", password=NEW_PASSWORD)
    expect(admin.get_by_text("ユーザーを更新しました。")).to_be_visible()
    assert not still_signed_in(viewer, console)
    page = browser.new_page()
    page.goto(console.url)
    page.fill("input[name=username]", "viewer")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("button.primary")
    expect(page.get_by_test_id("who")).to_contain_text(NAMES["viewer"])
    page.close()


def test_a_new_role_applies_at_the_next_click(admin, console):
    viewer, _ = http_login(console.url, "viewer")
    assert viewer.get(console.url + "users", allow_redirects=False).status_code == 403
    save(admin, "viewer", role="admin")
    expect(admin.get_by_text("ユーザーを更新しました。")).to_be_visible()
    assert viewer.get(console.url + "users", allow_redirects=False).status_code == 200


def test_an_admin_cannot_switch_themselves_off_or_give_up_admin(admin, console):
    save(admin, "admin", active=False)
    expect(admin.get_by_test_id("refusal")).to_contain_text("自分の管理者権限は外せません")  # and nothing changed
    admin.goto(console.url + "users")
    save(admin, "admin", role="viewer")
    expect(admin.get_by_test_id("refusal")).to_be_visible()
    admin.goto(console.url + "users")
    expect(admin.locator("tr[data-user='admin'] input[name=active]")).to_be_checked()
    expect(admin.locator("tr[data-user='admin'] select[name=role]")).to_have_value("admin")


def test_a_short_new_password_is_refused_and_the_old_one_still_works(admin, console):
    save(admin, "responder", password="short")
    expect(admin.get_by_test_id("refusal")).to_contain_text("12文字以上")
    http_login(console.url, "responder")  # unchanged
