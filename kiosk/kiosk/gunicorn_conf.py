"""gunicorn settings for the kiosk (``--config python:kiosk.gunicorn_conf``).

A page's event stream never ends by itself, so on SIGTERM gunicorn would wait out its whole
graceful time-out for it. The worker's stop first ends the streams (the page reconnects to the
next server by itself); requests that do work finish as usual, and every act is in the fsync'd
journal before it is sent, so none is lost either way.
"""
import signal

from kiosk.app import LOG_LEVELS
from servicekit import logs

logconfig_dict = logs.dict_config("kiosk", LOG_LEVELS)  # gunicorn's own lines as JSON too


def post_worker_init(worker):
    bus = worker.wsgi.extensions["bus"]
    stop = worker.handle_exit

    def handle_exit(sig, frame):
        bus.close()
        stop(sig, frame)

    signal.signal(signal.SIGTERM, handle_exit)
