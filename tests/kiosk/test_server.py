"""The kiosk as ops run it (`python -m kiosk`: gunicorn): stopping it does not hang on open pages."""
from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time

from tests.kiosk.stack import CARD_KEY, free_port


def test_sigterm_ends_open_event_streams_and_the_server_exits_at_once(tmp_path):
    port = free_port()
    env = os.environ | {"KIOSK_ID": "kiosk-test", "KIOSK_SECRET": "x" * 20, "KIOSK_CARD_KEY": CARD_KEY.decode(),
                        "KIOSK_DEMO": "1", "KIOSK_USE_READER": "0", "KIOSK_BIND": f"127.0.0.1:{port}",
                        "KIOSK_JOURNAL_PATH": str(tmp_path / "journal.db"),
                        "AMQP_URI": f"amqp://guest:guest@127.0.0.1:{free_port()}/"}  # no broker: offline
    log = open(tmp_path / "kiosk.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "kiosk"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        page = None
        for _ in range(100):  # until gunicorn answers
            try:
                page = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
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
        assert server.wait(timeout=10) == 0, (tmp_path / "kiosk.log").read_text()
        assert b"event: update" not in rest
        print(f"kiosk stopped {time.monotonic() - stopped_at:.1f} s after SIGTERM with a page open")
    finally:
        if server.poll() is None:
            server.kill()
        log.close()
