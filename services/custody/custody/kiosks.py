"""Kiosks: registration with a secret, checking it on every call, and the offline roster."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts import answers
from contracts.errors import CustodyRefusal
from custody import audit, views
from custody.models import Asset, Employee, Kiosk


def _digest(secret: str) -> str:
    # the secret is 256 random bits, so a plain hash is enough to make the stored value useless
    return hashlib.sha256(secret.encode()).hexdigest()


def register_kiosk(session: Session, kiosk_id: str, name: str, actor: str, now: datetime) -> answers.KioskRegistered:
    """Register (or re-key) a kiosk; the answer holds its new secret, which is shown once and not stored."""
    kiosk_id = (kiosk_id or "").strip()
    if not kiosk_id or len(kiosk_id) > 64:
        raise CustodyRefusal("invalid_input", {"field": "kiosk_id", "problem": "1-64 characters",
                                               "problem_ja": "1〜64文字"})
    secret = secrets.token_urlsafe(32)
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None:
        kiosk = Kiosk(kiosk_id=kiosk_id, registered_at=now)
        session.add(kiosk)
    kiosk.name, kiosk.secret_hash, kiosk.active = name, _digest(secret), True
    audit.append(session, now, actor, "kiosk_registered", "kiosk", kiosk_id, {"name": name})
    session.commit()
    return answers.KioskRegistered(kiosk_id=kiosk_id, kiosk_secret=secret)


def disable_kiosk(session: Session, kiosk_id: str, actor: str, now: datetime) -> None:
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise CustodyRefusal("kiosk_unknown")
    kiosk.active = False
    audit.append(session, now, actor, "kiosk_disabled", "kiosk", kiosk_id, {})
    session.commit()


def verify(session: Session, kiosk_id: str, secret: str | None) -> None:
    """Refuse a call that does not come from an active, registered kiosk."""
    kiosk = session.get(Kiosk, kiosk_id or "")
    if kiosk is None or not kiosk.active or not hmac.compare_digest(kiosk.secret_hash, _digest(secret or "")):
        raise CustodyRefusal("kiosk_unknown")


def roster(session: Session, now: datetime) -> answers.Roster:
    """What a kiosk needs to keep working offline: who holds which card, and the assets' names."""
    people = session.scalars(select(Employee).where(Employee.active.is_(True), Employee.card_hash.is_not(None)))
    assets = session.scalars(select(Asset).where(Asset.status != "retired"))
    return views.roster(now, list(people), list(assets))
