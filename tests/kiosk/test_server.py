"""The kiosk as ops run it (`python -m kiosk`: gunicorn): stopping it does not hang on open pages."""
from __future__ import annotations

import http.client
import signal
import time

from tests.kiosk.stack import KioskProcess, free_port


def test_sigterm_ends_open_event_streams_and_the_server_exits_at_once(tmp_path):
    kiosk = KioskProcess(free_port(), tmp_path)
    server = kiosk.proc
    try:
        page = None
        for _ in range(100):  # until gunicorn answers
            try:
                page = http.client.HTTPConnection("127.0.0.1", kiosk.port, timeout=30)
                page.request("GET", "/events")
                break
            except OSError:
                time.sleep(0.1)
        stream = page.getresponse()
        assert stream.status == 200 and stream.getheader("Content-Type").startswith("text/event-stream")
        first = b""
        while b"event: update" not in first:
            first += stream.read1(65536)
        assert "デモモード".encode() in first  # the page's status bar, pushed at once
        stopped_at = time.monotonic()
        server.send_signal(signal.SIGTERM)
        rest = stream.read()  # returns once the server ends the stream, instead of a keep-alive forever
        assert server.wait(timeout=10) == 0, kiosk.log_text()
        assert b"event: update" not in rest
        print(f"kiosk stopped {time.monotonic() - stopped_at:.1f} s after SIGTERM with a page open")
    finally:
        kiosk.stop()
