"""The console on one machine: a migrated incident database with one user per role and two incidents,
the Flask app on a free port in a thread, and helpers to sign in over plain HTTP."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import requests
from sqlalchemy.orm import Session

from contracts import events as ev
from contracts.examples import EXAMPLES
from incident.console import create_app
from incident.console.users import add_user
from incident.handlers import closing, opening
from incident.roles import ROLES, SYSTEM
from servicekit.db import make_engine
from tests.kiosk.stack import KioskServer

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console-screens"
SMALL, LARGE = "INC-2026-0001", "INC-2026-0002"  # no duty yet / APPI and GDPR deadlines running
NAMES = {"viewer": "閲覧 太郎", "responder": "対応 花子", "privacy_officer": "保護 一郎", "admin": "管理 次郎"}
_LOSS = next(e for e in EXAMPLES if isinstance(e, ev.PossibleLossDetected))


def password(role: str) -> str:
    return f"{role}-password-2026"


def seed(db_url: str) -> None:
    """A user per role; a laptop with 300 customers' names and emails (no duty until the report says more), and
    one with 1,200 persons, EU data and the key kept with the device (deadlines running, one open action)."""
    now = datetime.now(timezone.utc)
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as session:
        for role in ROLES:
            add_user(session, role, NAMES[role], role, password(role))
        weak = _LOSS.protection.model_copy(update={"key_stored_separately": False})
        small = _LOSS.model_copy(update={
            "event_id": "00000000-0000-4000-8000-0000000000a1", "protection": weak,
            "data_inventory": ev.DataInventory(categories=("name", "email"), customer_ids=("C-100",), approx_persons=300)})
        opening.open_from_possible_loss(session, "INC", small, now)
        large = _LOSS.model_copy(update={"event_id": "00000000-0000-4000-8000-0000000000a2", "protection": weak,
                                         "asset": _LOSS.asset.model_copy(update={"tag": "LT-0002"})})
        opening.open_from_possible_loss(session, "INC", large, now)
        closing.add_action(session, SYSTEM, LARGE, {"description": "持ち出し時の二重確認", "owner": "総務部",
                                                    "due_on": "2026-12-20"}, now=now)
    engine.dispose()


class ConsoleServer(KioskServer):
    """The console app on a free port, in a thread (the kiosk's server without its reader and syncer)."""

    def __init__(self, db_url: str, **config):
        super().__init__(create_app({"DB_URL": db_url, "SECRET_KEY": "console-test-secret-key-0123456789"} | config))
        self.db_url = db_url

    def stop(self):
        self.server.shutdown()
        self.app.extensions["incident_engine"].dispose()


def token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def http_login(base: str, role: str) -> tuple[requests.Session, str]:
    """A signed-in HTTP session and its CSRF token, as a browser would hold them."""
    client = requests.Session()
    answer = client.post(base + "login", data={"username": role, "password": password(role),
                                               "csrf_token": token(client.get(base + "login").text)},
                         allow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client, token(client.get(base).text)


def sign_in(page, console, role: str):
    """Sign in through the form, as a person would."""
    from playwright.sync_api import expect
    page.goto(console.url)
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", password(role))
    page.click("button.primary")
    expect(page.get_by_test_id("who")).to_contain_text(NAMES[role])


def shot(page, name: str):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the side menu is sticky: shoot from the top
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


VIEWPORTS = ((1280, 800), (1024, 768))
# What a person would see as broken, measured on the element boxes Chromium laid out: an input or select narrower
# than what it holds (a text input under 80 px, a date and time under 180 px), a button or a short header wrapping
# onto more lines, the page wider than the window, a table overflowing its box instead of scrolling in .scroll.
_LAYOUT_JS = """() => {
  const out = [], ctx = document.createElement('canvas').getContext('2d');
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const width = (el, text) => { const cs = getComputedStyle(el); ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
                                return ctx.measureText(text).width; };
  const lines = el => {  // lines of text actually laid out, whatever the box's height
    const range = document.createRange(); range.selectNodeContents(el);
    const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => r.top).sort((a, b) => a - b);
    const half = (parseFloat(getComputedStyle(el).fontSize) || 15) / 2;
    return tops.filter((top, i) => i === 0 || top - tops[i - 1] > half).length; };
  const fields = 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea';
  for (const el of document.querySelectorAll(fields)) {
    if (!shown(el)) continue;
    const w = el.getBoundingClientRect().width, name = el.name || el.id || el.tagName;
    let need = {'datetime-local': 180, 'date': 130}[el.type] || 80;
    if (el.tagName === 'SELECT') need = Math.max(60, width(el, el.options[el.selectedIndex]?.text || '') + 28);
    else if (el.value && el.tagName === 'INPUT') need = Math.max(need, Math.min(width(el, el.value) + 16, 240));
    if (w + 0.5 < need) out.push(`${name}: ${Math.round(w)} px wide, needs ${Math.round(need)} px`);
  }
  for (const el of document.querySelectorAll('button, th, .badge, td.req, td.place, td.kind')) {
    if (!shown(el) || !el.innerText.trim()) continue;
    const n = lines(el);
    if (n > 1 && (el.tagName === 'BUTTON' || el.innerText.trim().length <= 8))
      out.push(`${el.tagName.toLowerCase()} "${el.innerText.trim()}" wraps onto ${n} lines`);
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) out.push(`the page is ${doc.scrollWidth} px wide in a ${doc.clientWidth} px window`);
  for (const t of document.querySelectorAll('table')) {
    if (!shown(t) || t.closest('.scroll')) continue;
    if (t.getBoundingClientRect().right > t.parentElement.getBoundingClientRect().right + 1)
      out.push(`table ${t.dataset.testid || t.className} overflows its box`);
  }
  return out;
}"""


def layout_problems(page) -> list[str]:
    """Every broken-looking box on the page (with every <details> opened, so their forms are measured too)."""
    page.wait_for_load_state("load")  # the style sheet applied, after a form was sent too
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    return page.evaluate(_LAYOUT_JS)
