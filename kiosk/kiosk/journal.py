"""The offline journal: every checkout and return is written here (fsync'd) before it is sent.

Entries are replayed in order with their request id as idempotency key, so an entry that
reached custody before a power cut is not applied twice. The roster custody publishes is
cached here too, for greeting people while custody is unreachable.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT UNIQUE NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('checkout', 'return')),
  payload TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'refused', 'conflict')),
  outcome TEXT,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS roster (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL, fetched_at TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Entry:
    seq: int
    request_id: str
    op: str
    payload: dict
    occurred_at: str
    status: str
    outcome: dict | None


class Journal:
    """A small SQLite file with synchronous=FULL: a committed entry survives a power cut."""

    def __init__(self, path: str, kiosk_id: str):
        if os.path.dirname(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        self.kiosk_id = kiosk_id
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def add(self, op: str, payload: dict) -> Entry:
        """Record an act at the cabinet before anything else happens to it."""
        request_id = f"{self.kiosk_id}:{uuid.uuid4()}"
        occurred_at = datetime.now(timezone.utc).isoformat()
        with self._lock:
            cur = self._db.execute("INSERT INTO entries (request_id, op, payload, occurred_at) VALUES (?, ?, ?, ?)",
                                   (request_id, op, json.dumps(payload), occurred_at))
            return self._get(cur.lastrowid)

    def settle(self, seq: int, status: str, outcome: dict) -> None:
        with self._lock:
            self._db.execute("UPDATE entries SET status = ?, outcome = ?, attempts = attempts + 1 WHERE seq = ?",
                             (status, json.dumps(outcome), seq))

    def attempted(self, seq: int) -> None:
        with self._lock:
            self._db.execute("UPDATE entries SET attempts = attempts + 1 WHERE seq = ?", (seq,))

    def pending(self) -> list[Entry]:
        with self._lock:
            rows = self._db.execute("SELECT seq FROM entries WHERE status = 'pending' ORDER BY seq").fetchall()
            return [self._get(seq) for (seq,) in rows]

    def get(self, seq: int) -> Entry:
        with self._lock:
            return self._get(seq)

    def _get(self, seq: int) -> Entry:
        row = self._db.execute("SELECT seq, request_id, op, payload, occurred_at, status, outcome FROM entries "
                               "WHERE seq = ?", (seq,)).fetchone()
        return Entry(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], json.loads(row[6]) if row[6] else None)

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._db.execute("SELECT status, count(*) FROM entries GROUP BY status").fetchall())

    def oldest_pending(self) -> str | None:
        """When the oldest act still waiting for custody happened (ISO time), or None."""
        with self._lock:
            row = self._db.execute("SELECT min(occurred_at) FROM entries WHERE status = 'pending'").fetchone()
        return row[0]

    def save_roster(self, roster: dict) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO roster (id, body, fetched_at) VALUES (1, ?, ?)",
                             (json.dumps(roster, ensure_ascii=False), datetime.now(timezone.utc).isoformat()))

    def roster(self) -> dict:
        with self._lock:
            row = self._db.execute("SELECT body FROM roster WHERE id = 1").fetchone()
        return json.loads(row[0]) if row else {"employees": [], "assets": []}

    def close(self) -> None:
        self._db.close()
