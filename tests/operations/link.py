"""The kiosk tests' broker link (tests/kiosk/stack.py), for a service under eventlet: its acceptor is a
green thread that close() kills, and cut() closes every socket once the pipes have seen the end, so no
file descriptor is reused while a green thread still waits on it."""
from __future__ import annotations

import threading

import eventlet

from tests.kiosk.stack import LinkCut


class BrokerLink(LinkCut):
    def __init__(self, target_port: int = 5672):  # LinkCut's, with a green acceptor that can be killed
        self.target = ("127.0.0.1", target_port)
        self.listener = eventlet.listen(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self._conns = []
        self._lock = threading.Lock()
        self.acceptor = eventlet.spawn(self._accept)

    def uri(self, amqp_uri: str) -> str:
        return amqp_uri.replace(":5672/", f":{self.port}/")

    def cut(self):
        with self._lock:
            conns = list(self._conns)
        super().cut()
        eventlet.sleep(0.2)  # the pipes see the end and stop reading before the sockets close
        for conn in conns:
            conn.close()

    def close(self):
        self.acceptor.kill()
        self.cut()
        self.listener.close()
