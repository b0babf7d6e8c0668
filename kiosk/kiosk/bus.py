"""Server push to the page: every open page gets each update (Server-Sent Events)."""
from __future__ import annotations

import json
import queue
import threading
from typing import Iterator


_CLOSED = object()


class Broadcaster:
    def __init__(self, heartbeat: float = 2.0):
        self.heartbeat = heartbeat  # seconds between pings: the page counts silence in these
        self._subscribers: list[queue.Queue] = []
        self._lock = threading.Lock()
        self._closed = False
        self.latest: dict | None = None

    def close(self) -> None:
        """The server is stopping: end every open stream now (pages reconnect to the next server)."""
        with self._lock:
            self._closed = True
            for subscriber in self._subscribers:
                subscriber.put(_CLOSED)

    def publish(self, message: dict) -> None:
        with self._lock:
            self.latest = message
            for subscriber in self._subscribers:
                subscriber.put(message)

    def stream(self) -> Iterator[str]:
        """SSE text for one page: the latest update at once, then each new one as it happens, and a ping
        whenever there was nothing to say for ``heartbeat`` seconds (the page's sign that the server lives)."""
        inbox: queue.Queue = queue.Queue()
        with self._lock:
            self._subscribers.append(inbox)
            if self._closed:
                inbox.put(_CLOSED)
            elif self.latest is not None:
                inbox.put(self.latest)
        try:
            yield "retry: 1000\n\n"
            while True:
                try:
                    message = inbox.get(timeout=self.heartbeat)
                except queue.Empty:
                    yield "event: ping\ndata: \n\n"
                    continue
                if message is _CLOSED:
                    return
                yield f"event: update\ndata: {json.dumps(message, ensure_ascii=False)}\n\n"
        finally:
            with self._lock:
                self._subscribers.remove(inbox)
