"""The audit log: an append-only hash chain over every change to the ledger."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.answers import AuditChain
from custody.models import GENESIS_HASH, AuditEntry, AuditHead


def entry_hash(prev_hash: str, seq: int, at: datetime, actor: str, action: str,
               entity: str, entity_key: str, details: dict) -> str:
    """SHA-256 over the previous hash and a canonical JSON of the entry."""
    body = json.dumps([seq, at.isoformat(timespec="microseconds"), actor, action, entity,
                       entity_key, details], sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def append(session: Session, at: datetime, actor: str, action: str, entity: str,
           entity_key: str, details: dict | None = None) -> AuditEntry:
    """Add an entry in the caller's transaction; the head row lock serialises writers."""
    details = details or {}
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS_HASH)
        session.add(head)
    seq = head.seq + 1
    digest = entry_hash(head.hash, seq, at, actor, action, entity, entity_key, details)
    entry = AuditEntry(seq=seq, at=at, actor=actor, action=action, entity=entity,
                       entity_key=entity_key, details=details, prev_hash=head.hash, hash=digest)
    session.add(entry)
    head.seq, head.hash = seq, digest
    return entry


def verify(session: Session, batch: int = 1000) -> AuditChain:
    """Walk the chain in order and name the first entry whose link or hash is wrong."""
    prev, expected_seq, count, last_seq = GENESIS_HASH, 1, 0, 0
    while True:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.seq > last_seq)
                               .order_by(AuditEntry.seq).limit(batch)).all()
        if not rows:
            break
        for e in rows:
            if e.seq != expected_seq:
                return _broken(count, expected_seq, f"entry {expected_seq} is missing")
            if e.prev_hash != prev:
                return _broken(count, e.seq, "does not link to the previous entry")
            if entry_hash(prev, e.seq, e.at, e.actor, e.action, e.entity, e.entity_key, e.details) != e.hash:
                return _broken(count, e.seq, "content does not match its hash")
            prev, expected_seq, count, last_seq = e.hash, e.seq + 1, count + 1, e.seq
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != last_seq or head.hash != prev):
        return _broken(count, last_seq + 1, "entries after this point were removed")
    return AuditChain(ok=True, entries=count, first_broken_seq=None, problem="")


def _broken(entries: int, seq: int, problem: str) -> AuditChain:
    return AuditChain(ok=False, entries=entries, first_broken_seq=seq, problem=problem)
