"""The kiosk's HTTP surface: the page, its event stream, what the person did, status, demo taps."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

screens = Blueprint("screens", __name__)
status = Blueprint("status", __name__)
demo = Blueprint("demo", __name__)


def _controller():
    return current_app.extensions["controller"]


@screens.get("/")
def page():
    """The full-screen page; its content arrives over /events."""
    settings = current_app.extensions["kiosk_settings"]
    return render_template("page.html", settings=settings, lang=_controller().screen.lang,
                           heartbeat=current_app.extensions["bus"].heartbeat)


@screens.get("/events")
def events():
    """Server-Sent Events: the status bar and screen, pushed on every change."""
    stream = current_app.extensions["bus"].stream()
    return Response(stream, mimetype="text/event-stream",
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@screens.post("/scan")
def scan():
    """Text from the QR scanner (typed as keys, ending with Enter) or from the on-screen keypad."""
    text = (request.get_json(silent=True) or {}).get("text", "")
    if not isinstance(text, str) or not text.strip() or len(text) > 200:
        abort(400)
    _controller().scanned(text)
    return ("", 204)


@screens.post("/confirm")
def confirm():
    """The confirming touch: take out (or, offline, return)."""
    action = (request.get_json(silent=True) or {}).get("action", "checkout")
    _controller().confirmed(action)
    return ("", 204)


@screens.post("/cancel")
def cancel():
    """Back one step (or to the start screen)."""
    _controller().cancelled()
    return ("", 204)


@screens.post("/lang/<lang>")
def language(lang: str):
    """Switch between Japanese and English."""
    _controller().language(lang)
    return ("", 204)


@status.get("/status")
def kiosk_status():
    """For ops: reader and custody state, journal counts; no personal data."""
    ext = current_app.extensions
    syncer = ext["syncer"]
    return jsonify(kiosk_id=ext["kiosk_settings"].kiosk_id, reader=ext["reader_state"]["reader"],
                   custody={True: "reachable", False: "unreachable", None: "unknown"}[syncer.online],
                   journal=ext["journal"].counts(), last_sync=syncer.last_sync,
                   demo=ext["kiosk_settings"].demo)


@demo.post("/demo/tap/<int:n>")
def demo_tap(n: int):
    """Demo mode only: act as if demo card n had been tapped."""
    cards = current_app.extensions["kiosk_settings"].demo_cards
    if not 1 <= n <= len(cards):
        abort(404)
    _controller().card_tapped(bytes.fromhex(cards[n - 1]))
    return ("", 204)
