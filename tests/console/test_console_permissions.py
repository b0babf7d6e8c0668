"""The server refuses every action to a role that may not take it: each POST (and the restricted pages) sent
over HTTP with a valid session and CSRF token, for every role, against the one permission table."""
from __future__ import annotations

import pytest
from eventlet import patcher

if patcher.is_monkey_patched("socket"):
    pytest.skip("run the console tests on plain threads: pytest -p no:eventlet tests/console", allow_module_level=True)
import re

import requests
from sqlalchemy import update
from sqlalchemy.orm import Session

from incident.models import ConsoleUser
from incident.roles import PERMISSIONS, ROLES
from servicekit.db import make_engine
from tests.console.stack import LARGE, SMALL, http_login, password, token

REPORT = {"data-0-category": "name", "data-0-present": "yes", "data-1-category": "email", "data-1-present": "yes",
          "customer-0-customer_id": "C-100", "customer-0-persons": "300", "customer-0-present": "yes",
          "forgotten-offline_files": "no", "forgotten-email_cache": "yes", "forgotten-document_photos": "no",
          "forgotten-browser_logins": "unknown", "forgotten-downloads": "no", "model_number_confirmed": "on",
          "serial_number_confirmed": "on", "last_seen_at": "2026-11-30T17:40", "last_seen_place": "品川駅",
          "circumstances": "電車の網棚に置いたまま降車した", "lost_or_stolen": "lost"}
# action -> (method, path, form, endpoint); ordered so the closing comes last
CASES: dict[str, tuple[str, str, dict, str]] = {
    "view": ("GET", f"incidents/{SMALL}", {}, "pages.incident"),
    "report_loss": ("POST", "incidents", {"description": "私物のUSBメモリに顧客リストを保存して紛失", "kind": "usb_storage"},
                    "actions.report_loss"),
    "submit_report": ("POST", f"incidents/{SMALL}/report", REPORT, "actions.submit_report"),
    "add_timeline": ("POST", f"incidents/{SMALL}/timeline", {"at": "2026-11-30T18:05", "text": "駅の忘れ物窓口に連絡"},
                     "actions.add_timeline"),
    "set_facts": ("POST", f"incidents/{SMALL}/facts", {"persons_contactable": "on"}, "actions.set_facts"),
    "mark_duty_done": ("POST", f"incidents/{LARGE}/duties/appi_ppc_preliminary/done", {"note": "受付番号 123"},
                       "actions.mark_duty_done"),
    "record_review": ("POST", f"incidents/{SMALL}/review", {"cause-0-category": "workload", "cause-0-text": "連日の外出"},
                      "actions.record_review"),
    "add_action": ("POST", f"incidents/{LARGE}/actions", {"description": "鍵の別保管", "owner": "情報システム部",
                                                         "due_on": "2026-12-24"}, "actions.add_action"),
    "update_action": ("POST", f"incidents/{LARGE}/actions/1", {"status": "in_progress"}, "actions.update_action"),
    "record_measure": ("POST", f"incidents/{SMALL}/measures", {"kind": "written_report", "employee_number": "E001",
                                                              "submitted_on": "2026-12-01", "signed_by": "佐藤 花子"},
                       "actions.record_measure"),
    "ppc_report": ("GET", f"incidents/{SMALL}/ppc.md", {}, "pages.ppc"),
    "view_deliveries": ("GET", "deliveries", {}, "deliveries.deliveries"),  # notify is not running: says so
    "manage_users": ("POST", "users", {"username": "newcomer", "display_name": "新人", "role": "viewer",
                                       "password": "a-long-enough-password"}, "admin.users"),
    "close": ("POST", f"incidents/{SMALL}/close", {"resolution": "resolved", "reason": "報告完了"}, "actions.close"),
    "close_with_open_actions": ("POST", f"incidents/{LARGE}/close", {"resolution": "resolved", "reason": "対応完了",
                                                                     "override_reason": "対策は来期の全社施策で実施"},
                                "actions.close"),
}
SIGN_IN_ROUTES = {"auth.login", "auth.logout", "auth.set_language"}


def test_every_action_in_the_permission_table_has_a_case_and_every_post_route_is_covered(console):
    assert set(CASES) == set(PERMISSIONS)
    posts = {rule.endpoint for rule in console.app.url_map.iter_rules() if "POST" in rule.methods}
    assert posts - SIGN_IN_ROUTES <= {endpoint for *_, endpoint in CASES.values()}


@pytest.mark.parametrize("role", ROLES)
def test_server_refuses_each_action_the_role_may_not_take(console, role):
    client, csrf = http_login(console.url, role)
    for action, (method, path, form, _) in CASES.items():
        answer = client.request(method, console.url + path, data=form | {"csrf_token": csrf} if method == "POST" else None,
                                allow_redirects=False)
        if role in PERMISSIONS[action]:
            # allowed: done (303 back to the page), or shown
            assert answer.status_code == (200 if method == "GET" else 303), \
                (action, answer.status_code, re.findall(r"role=\"alert\"[^>]*>([^<]*)", answer.text))
        else:
            assert answer.status_code == 403, (action, answer.status_code)
            assert "の権限では" in answer.text, action  # the refusal says so, in the default language


def test_ppc_draft_is_served_as_markdown_and_html(console):
    client, _ = http_login(console.url, "privacy_officer")
    for fmt, mimetype in (("md", "text/markdown"), ("html", "text/html")):
        answer = client.get(console.url + f"incidents/{LARGE}/ppc.{fmt}")
        assert answer.status_code == 200 and answer.headers["Content-Type"].startswith(mimetype)
        assert LARGE in answer.text


def test_refused_post_changes_nothing(console):
    client, csrf = http_login(console.url, "viewer")
    assert client.post(console.url + f"incidents/{SMALL}/timeline", data={"csrf_token": csrf, "at": "2026-11-30T18:05",
                                                                          "text": "閲覧者が書いた事実"}).status_code == 403
    page = client.get(console.url + f"incidents/{SMALL}").text
    assert "閲覧者が書いた事実" not in page


def test_post_without_the_csrf_token_is_refused(console):
    client, _ = http_login(console.url, "admin")
    answer = client.post(console.url + f"incidents/{SMALL}/timeline", data={"at": "2026-11-30T18:05", "text": "x"})
    assert answer.status_code == 400
    assert "有効期限" in answer.text


def test_signed_out_visitor_is_sent_to_the_login_page(console):
    visitor = requests.Session()
    csrf = token(visitor.get(console.url + "login").text)
    for path in (f"incidents/{SMALL}", "users"):
        assert visitor.get(console.url + path, allow_redirects=False).headers["Location"].startswith("/login")
    answer = visitor.post(console.url + f"incidents/{SMALL}/close", data={"csrf_token": csrf, "resolution": "resolved",
                                                                        "reason": "x"}, allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


def test_inactive_user_cannot_sign_in_and_is_signed_out(console, incident_db_url):
    client, _ = http_login(console.url, "responder")
    engine = make_engine(incident_db_url)
    with Session(engine) as session:
        session.execute(update(ConsoleUser).where(ConsoleUser.username == "responder").values(active=False))
        session.commit()
    engine.dispose()
    assert client.get(console.url, allow_redirects=False).status_code == 302  # the open session ends at once
    fresh = requests.Session()
    answer = fresh.post(console.url + "login", data={"username": "responder", "password": password("responder"),
                                                     "csrf_token": token(fresh.get(console.url + "login").text)})
    assert answer.status_code == 401
    assert "ユーザー名またはパスワードが正しくありません" in answer.text


def test_session_cookie_is_httponly_and_samesite_lax(console):
    client = requests.Session()
    answer = client.get(console.url + "login")
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
