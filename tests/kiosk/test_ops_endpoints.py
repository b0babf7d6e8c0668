"""What ops and Prometheus see of a kiosk (`python -m kiosk`, offline: no broker): /health, /ready, /metrics on
the app and on KIOSK_METRICS_ADDRESS, an act journalled offline counted as pending, every log line JSON."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.kiosk.stack import CARD_KEY
from tests.kiosk.test_server import free_port


def samples(url: str) -> dict[tuple, float]:
    text = requests.get(url + "/metrics", timeout=10).text
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_an_offline_kiosk_is_ready_and_its_metrics_show_the_journal_waiting(tmp_path):
    port, metrics_port = free_port(), free_port()
    env = os.environ | {"KIOSK_ID": "kiosk-ops", "KIOSK_SECRET": "x" * 20, "KIOSK_CARD_KEY": CARD_KEY.decode(),
                        "KIOSK_DEMO": "1", "KIOSK_USE_READER": "0", "KIOSK_BIND": f"127.0.0.1:{port}",
                        "KIOSK_METRICS_ADDRESS": f"127.0.0.1:{metrics_port}", "KIOSK_RPC_TIMEOUT": "1",
                        "KIOSK_JOURNAL_PATH": str(tmp_path / "journal.db"), "PYTHONWARNINGS": "ignore",
                        "AMQP_URI": f"amqp://guest:guest@127.0.0.1:{free_port()}/"}  # no broker there
    log = open(tmp_path / "kiosk.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "kiosk"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if requests.get(base + "/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        assert requests.get(base + "/health", timeout=5).json() == {"status": "alive", "service": "kiosk"}
        ready = requests.get(base + "/ready", timeout=5)
        assert ready.status_code == 200 and ready.json()["checks"]["journal"]["ok"] is True
        # a return scanned with no card while custody is unreachable: journalled, waiting
        assert requests.post(base + "/scan", json={"text": "LT-0001"}, timeout=20).status_code == 204
        time.sleep(1.5)
        for url in (base, f"http://127.0.0.1:{metrics_port}"):
            found = samples(url)
            assert found[("kiosk_journal_entries", (("kiosk", "kiosk-ops"), ("status", "pending")))] == 1
            assert found[("kiosk_reader_state", (("kiosk", "kiosk-ops"), ("state", "demo")))] == 1
            assert found[("kiosk_custody_reachable", (("kiosk", "kiosk-ops"),))] == 0
            assert found[("kiosk_journal_oldest_pending_age_seconds", (("kiosk", "kiosk-ops"),))] >= 1
    finally:
        server.terminate()
        server.wait(20)
        log.close()
    lines = (tmp_path / "kiosk.log").read_text().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]  # every line, gunicorn's too, is JSON
    assert any(r["logger"] == "gunicorn.error" for r in records) and all(r["service"] == "kiosk" for r in records)
