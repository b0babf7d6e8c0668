"""A supervisord event listener: every line a part writes goes to the terminal as ``name | line``.

supervisord keeps each part's output in var/log/<name>.log and sends it to this listener as
PROCESS_LOG events (deploy/supervisord.conf); the listener writes it to its stderr, which
supervisord sends on to its own stdout, the terminal ./run.sh runs in.

The protocol is read in bytes: its ``len`` header counts bytes and log lines carry Japanese text,
so supervisor.childutils' text-mode reader would lose its place in the stream.
"""
from __future__ import annotations

import signal
import sys

WIDTH = 8        # the longest part name (incident, notify, ...)
LONGEST = 8192   # a line without its end this long is written as it is


def read_event(stdin) -> tuple[dict, bytes]:
    """Say READY, then wait for one event: its headers and its payload."""
    sys.stdout.buffer.write(b"READY\n")
    sys.stdout.buffer.flush()
    line = stdin.readline()
    if not line:
        raise EOFError
    headers = dict(field.split(b":", 1) for field in line.split())
    return headers, stdin.read(int(headers[b"len"]))


def acknowledge() -> None:
    sys.stdout.buffer.write(b"RESULT 2\nOK")
    sys.stdout.buffer.flush()


def prefixed(name: str, data: bytes, pending: dict[str, bytes]) -> bytes:
    """The complete lines of ``data`` with the part's name before each; a line's start is kept until its end comes."""
    text = pending.pop(name, b"") + data
    *lines, rest = text.split(b"\n")
    if len(rest) > LONGEST:
        lines, rest = [*lines, rest], b""
    if rest:
        pending[name] = rest
    label = f"{name:<{WIDTH}} | ".encode()
    return b"".join(label + line + b"\n" for line in lines)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # supervisord stops it last: a normal end
    stdin, out, pending = sys.stdin.buffer, sys.stderr.buffer, {}
    while True:
        try:
            headers, payload = read_event(stdin)
        except EOFError:  # supervisord stopped
            return
        if headers[b"eventname"].startswith(b"PROCESS_LOG"):
            info, data = payload.split(b"\n", 1)
            fields = dict(field.split(b":", 1) for field in info.split())
            out.write(prefixed(fields[b"processname"].decode(), data, pending))
            out.flush()
        acknowledge()


if __name__ == "__main__":
    main()
