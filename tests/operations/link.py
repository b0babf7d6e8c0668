"""A TCP relay to RabbitMQ for a service under test, whose cut() is the network going down (green
threads: the operations tests run under eventlet; every socket is closed explicitly, so no file
descriptor is reused while a green thread still waits on it)."""
from __future__ import annotations

import socket

import eventlet


class BrokerLink:
    def __init__(self, target_port: int = 5672):
        self.target = ("127.0.0.1", target_port)
        self.listener = eventlet.listen(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.acceptor = eventlet.spawn(self._accept)

    def uri(self, amqp_uri: str) -> str:
        return amqp_uri.replace(":5672/", f":{self.port}/")

    def _accept(self):
        while True:
            client, _ = self.listener.accept()
            if not self.up:
                client.close()
                continue
            upstream = eventlet.connect(self.target)
            self.pairs.append((client, upstream))
            eventlet.spawn(self._pipe, client, upstream)
            eventlet.spawn(self._pipe, upstream, client)

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.up = False
        pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for sock in pair:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        eventlet.sleep(0.2)  # the pipes see the end and stop reading before the sockets close
        for pair in pairs:
            for sock in pair:
                sock.close()

    def restore(self):
        self.up = True

    def close(self):
        self.acceptor.kill()
        self.cut()
        self.listener.close()
