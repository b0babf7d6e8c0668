"""Flask app factory: wires settings, journal, custody client, sync, card reader and screens."""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, render_template

import contracts.rpc
from contracts import words as said
from kiosk import i18n
from kiosk.bus import Broadcaster
from kiosk.controller import Controller, Screen
from kiosk.custody_client import CustodyClient
from kiosk.journal import Journal
from kiosk.metrics import KioskFigures
from kiosk.settings import KioskSettings
from kiosk.sync import Syncer
from servicekit import logs, webops

log = logging.getLogger("kiosk")
LOG_LEVELS = {"kiosk": "INFO", "servicekit": "INFO", "gunicorn.error": "INFO"}


def create_app(test_config: dict | None = None) -> Flask:
    """Build the kiosk; ``test_config`` may supply SETTINGS, CLIENT or READER (a callable starting one)."""
    app = Flask(__name__)
    app.config.from_mapping(test_config or {})
    settings: KioskSettings = app.config.get("SETTINGS") or KioskSettings.from_env()
    logs.configure("kiosk", LOG_LEVELS)  # JSON lines; under gunicorn its logconfig_dict did it already
    contracts.rpc.quiet_late_confirms()  # custody not consuming is reported once, as "waiting for" / "unreachable"
    bus = Broadcaster()
    journal = Journal(settings.journal_path, settings.kiosk_id)
    client = app.config.get("CLIENT") or CustodyClient(settings)
    state = {"reader": "demo" if not settings.use_reader else "starting"}

    def push(screen: Screen | None = None) -> None:
        with app.app_context():
            bus.publish(render_update(app, screen or controller.screen))

    syncer = Syncer(journal, client, interval=settings.sync_interval, on_change=push)
    controller = Controller(settings, client, journal, syncer, publish=push)
    app.extensions.update(kiosk_settings=settings, bus=bus, journal=journal, controller=controller,
                          syncer=syncer, reader_state=state)

    from kiosk import views
    app.register_blueprint(views.screens)
    app.register_blueprint(views.status)
    figures = KioskFigures(settings.kiosk_id, journal, state, syncer)
    app.register_blueprint(webops.blueprint("kiosk", figures.ready, figures.registry()))
    if settings.metrics_address:
        figures.serve(settings.metrics_address)
    if settings.demo:
        app.register_blueprint(views.demo)
    app.jinja_env.globals.update(t=i18n.text, kind_name=lambda code, lang: said.upper_first(said.kind(code, lang)))
    app.jinja_env.filters["local_time"] = lambda iso: _local(iso, settings.timezone)

    syncer.start()
    _start_ticker(controller)
    if settings.use_reader:
        _start_reader(app, settings, controller, state, push)
    push()
    log.info("kiosk %s ready (demo=%s, reader=%s)", settings.kiosk_id, settings.demo, settings.use_reader)
    return app


def render_update(app: Flask, screen: Screen) -> dict:
    """The two parts of the page the server owns: the status bar and the current screen."""
    settings = app.extensions["kiosk_settings"]
    context = {"screen": screen, "lang": screen.lang, "settings": settings,
               "reader": app.extensions["reader_state"]["reader"], "online": app.extensions["syncer"].online}
    return {"screen": screen.name, "lang": screen.lang,
            "header": render_template("header.html", **context),
            "html": render_template(f"screens/{screen.name}.html", **context)}


def _local(iso: str | None, zone: str) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(zone)).strftime("%m/%d %H:%M")


def _start_ticker(controller: Controller) -> None:
    def run():
        while True:
            time.sleep(0.5)
            try:
                controller.tick()
            except Exception:
                log.exception("tick failed")
    threading.Thread(target=run, name="kiosk-ticker", daemon=True).start()


def _start_reader(app: Flask, settings: KioskSettings, controller: Controller, state: dict, push) -> None:
    from kiosk.reader import CardReaderLoop

    def on_status(status, reader_name):
        state["reader"] = getattr(status, "value", str(status))
        push()

    loop = CardReaderLoop(on_tap=controller.card_tapped, on_status=on_status, reader_filter=settings.reader_filter)
    app.extensions["reader"] = loop
    loop.start()
