"""The terminal's view of the parts' output (scripts/log_relay.py): whole lines, each after its part's name."""
from __future__ import annotations

import importlib.util

from tests.run.stack import ROOT

spec = importlib.util.spec_from_file_location("log_relay", ROOT / "scripts" / "log_relay.py")
log_relay = importlib.util.module_from_spec(spec)
spec.loader.exec_module(log_relay)


def test_each_line_gets_its_parts_name_and_a_line_split_between_chunks_is_written_once_whole():
    pending: dict[str, bytes] = {}
    text = "2026-12-02 INFO kiosk.sync custody reachable\n2026-12-02 INFO 佐藤 さん\n".encode()
    cut = text.index("藤".encode()) + 1  # in the middle of a character's bytes
    first = log_relay.prefixed("kiosk", text[:cut], pending)
    other = log_relay.prefixed("custody", b"outbox relay started\n", pending)
    rest = log_relay.prefixed("kiosk", text[cut:], pending)
    assert first == b"kiosk    | 2026-12-02 INFO kiosk.sync custody reachable\n"
    assert other == b"custody  | outbox relay started\n"
    assert rest.decode() == "kiosk    | 2026-12-02 INFO 佐藤 さん\n" and pending == {}


def test_a_line_without_an_end_is_written_once_it_is_too_long_to_wait_for():
    pending: dict[str, bytes] = {}
    assert log_relay.prefixed("notify", b"x" * 100, pending) == b"" and pending == {"notify": b"x" * 100}
    out = log_relay.prefixed("notify", b"y" * log_relay.LONGEST, pending)
    assert out == b"notify   | " + b"x" * 100 + b"y" * log_relay.LONGEST + b"\n" and pending == {}
