"""A virtual contactless card for vpcd (vsmartcard's virtual PC/SC reader driver).

vpcd listens on TCP 127.0.0.1:35963 for reader "Virtual PCD 00 00"; a program that connects
there *is* the card on that reader, and closing the socket is taking the card away. Every
message both ways is a 2-byte big-endian length + payload; from the reader, a 1-byte
message is a control code, anything longer an APDU.
"""
from __future__ import annotations

import socket
import struct
import threading
import time

FELICA_ATR = bytes.fromhex("3B 8F 80 01 80 4F 0C A0 00 00 03 06 11 00 3B 00 00 00 00 42")
GET_UID = bytes.fromhex("FF CA 00 00 00")
SW_OK = b"\x90\x00"
SW_FUNC_NOT_SUPPORTED = b"\x6a\x81"

CTRL_POWER_OFF, CTRL_POWER_ON, CTRL_RESET, CTRL_GET_ATR = 0, 1, 2, 4


class VirtualCard:
    """One virtual card: insert() puts it on the vpcd reader, remove() takes it away."""

    def __init__(self, uid: bytes, port: int = 35963, atr: bytes = FELICA_ATR) -> None:
        self.uid = bytes(uid)
        self.port = port
        self.atr = bytes(atr)
        self.reads = 0  # GET DATA (UID) requests answered since the last insert()
        self.read_event = threading.Event()
        self.inserted_at: float | None = None  # time.perf_counter() when insert() connected
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    # --- card on / card off -------------------------------------------------------------
    def insert(self, timeout: float = 5.0) -> None:
        """Connect to vpcd: from now on the reader sees this card."""
        if self._sock is not None:
            raise RuntimeError("card already inserted")
        self.reads = 0
        self.read_event.clear()
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.inserted_at = time.perf_counter()
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, args=(sock,), name="virtual-card", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        """Close the socket: vpcd reports the card as removed on its next poll."""
        sock, self._sock = self._sock, None
        if sock is None:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)  # wakes the serving thread's recv() with EOF
        except OSError:
            pass
        # join before close: under eventlet a green socket closed under a waiting recv()
        # does not wake it, and the join would wait out its timeout
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        sock.close()

    @property
    def inserted(self) -> bool:
        """True between insert() and remove()."""
        return self._sock is not None

    def wait_read(self, timeout: float = 3.0) -> bool:
        """Wait until a reader has asked this card for its UID since the last insert()."""
        return self.read_event.wait(timeout)

    def tap(self, hold: float = 0.3, timeout: float = 3.0) -> bool:
        """Insert, wait until the UID was read (at most `timeout` s), hold `hold` s more, remove.

        pcscd only polls vpcd about every 400 ms, so a fixed short hold could be missed
        altogether; waiting for the read makes a tap deterministic. Returns whether it was read.
        """
        self.insert()
        try:
            read = self.wait_read(timeout)
            time.sleep(hold)
        finally:
            self.remove()
        return read

    def __enter__(self) -> VirtualCard:
        self.insert()
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    # --- the vpcd protocol ----------------------------------------------------------------
    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                msg = self._recv_msg(sock)
                if msg is None:
                    return
                if len(msg) == 1:
                    if msg[0] == CTRL_GET_ATR:
                        self._send_msg(sock, self.atr)
                    # power off / power on / reset: nothing to answer, the card has no state
                    continue
                if msg == GET_UID:
                    self._send_msg(sock, self.uid + SW_OK)
                    self.reads += 1
                    self.read_event.set()
                else:
                    self._send_msg(sock, SW_FUNC_NOT_SUPPORTED)
        except (OSError, EOFError):
            return  # socket closed by remove() (eventlet's green socket says EOFError) or by vpcd

    @staticmethod
    def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                return None
            # Linux re-arms delayed ACKs after every receive; without QUICKACK each
            # request/response exchange with vpcd stalls ~40 ms
            if hasattr(socket, "TCP_QUICKACK"):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            buf += chunk
        return buf

    def _recv_msg(self, sock: socket.socket) -> bytes | None:
        head = self._recv_exact(sock, 2)
        if head is None:
            return None
        (length,) = struct.unpack(">H", head)
        return self._recv_exact(sock, length) if length else b""

    @staticmethod
    def _send_msg(sock: socket.socket, payload: bytes) -> None:
        sock.sendall(struct.pack(">H", len(payload)) + payload)
