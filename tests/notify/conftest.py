"""A real SMTP server (aiosmtpd) in its own process, so eventlet's monkey-patching never touches it."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

SINK = Path(__file__).with_name("smtp_sink.py")


@dataclass
class SmtpSink:
    port: int
    folder: Path

    def refuse(self, address: str, reply: str) -> None:
        """Answer RCPT TO:<address> with this reply from now on."""
        rules = self.folder / "rules.json"
        current = json.loads(rules.read_text()) if rules.exists() else {}
        rules.write_text(json.dumps({**current, address: reply}))

    def received(self) -> list[tuple[dict, EmailMessage]]:
        """Every message accepted so far: (envelope, decoded message)."""
        mail = self.folder / "mail"
        out = []
        for meta in sorted(mail.glob("*.json"), key=lambda p: int(p.stem)):
            raw = meta.with_suffix(".eml").read_bytes()
            out.append((json.loads(meta.read_text()) | {"raw": raw}, message_from_bytes(raw, policy=policy.default)))
        return out

    def reset(self) -> None:
        (self.folder / "rules.json").unlink(missing_ok=True)
        shutil.rmtree(self.folder / "mail")
        (self.folder / "mail").mkdir()


@pytest.fixture(scope="session")
def smtp_sink_process(tmp_path_factory):
    folder = tmp_path_factory.mktemp("smtp")
    log = open(folder / "sink.log", "wb")
    proc = subprocess.Popen([sys.executable, str(SINK), str(folder)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while not (folder / "port").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"SMTP sink did not start: {(folder / 'sink.log').read_text()}")
        time.sleep(0.05)
    yield SmtpSink(port=int((folder / "port").read_text()), folder=folder)
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


@pytest.fixture
def smtp(smtp_sink_process) -> SmtpSink:
    """The SMTP sink with no rules and an empty mailbox."""
    smtp_sink_process.reset()
    return smtp_sink_process
