"""Console users: created by an administrator (CLI or the users page), passwords kept as scrypt hashes."""
from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from contracts.errors import IncidentRefusal
from incident.models import ConsoleUser
from incident.roles import ROLES
from incident.texts import labels

MIN_PASSWORD = 12
# compared against when the username is unknown, so a wrong name costs as long as a wrong password
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def add_user(session: Session, username: str, display_name: str, role: str, password: str) -> ConsoleUser:
    """Create an active user; refuses an unknown role, a taken username or a short password."""
    username, display_name = (username or "").strip(), (display_name or "").strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise IncidentRefusal("invalid_input", {"field": "username", "problem": "1-64 characters, no spaces",
                                                "problem_ja": "空白なしの1〜64文字"})
    if not display_name or len(display_name) > 100:
        raise IncidentRefusal("invalid_input", {"field": "display_name", "problem": "1-100 characters",
                                                "problem_ja": "1〜100文字"})
    if role not in ROLES:
        raise IncidentRefusal("invalid_input", {"field": "role", "type": "literal_error", "problem": ", ".join(ROLES),
                                                "problem_ja": "、".join(labels(r).ja for r in ROLES)})
    _check_password(password)
    if session.scalar(select(ConsoleUser.id).where(ConsoleUser.username == username)) is not None:
        raise IncidentRefusal("invalid_input", {"field": "username", "problem": "already taken",
                                                "problem_ja": "すでに使われています"})
    user = ConsoleUser(username=username, display_name=display_name, role=role, active=True,
                       password_hash=generate_password_hash(password, method="scrypt"))
    session.add(user)
    session.commit()
    return user


def update_user(session: Session, by: str, username: str, role: str, active: bool, password: str = "") -> ConsoleUser:
    """Change a user's role, switch them off or on, or set a new password (which ends their sessions);
    an admin cannot take away their own admin access, so the console never loses its last way in."""
    user = session.scalar(select(ConsoleUser).where(ConsoleUser.username == (username or "").strip()))
    if user is None:
        raise IncidentRefusal("invalid_input", {"field": "username", "problem": "no such user",
                                                "problem_ja": "そのユーザーはいません"})
    if role not in ROLES:
        raise IncidentRefusal("invalid_input", {"field": "role", "type": "literal_error", "problem": ", ".join(ROLES),
                                                "problem_ja": "、".join(labels(r).ja for r in ROLES)})
    if user.username == by and (role != "admin" or not active):
        raise IncidentRefusal("invalid_input", {"field": "role", "problem": "you cannot remove your own admin access",
                                                "problem_ja": "自分の管理者権限は外せません"})
    if password:
        _check_password(password)
        user.password_hash = generate_password_hash(password, method="scrypt")
    user.role, user.active = role, active
    session.commit()
    return user


def password_mark(user: ConsoleUser, key: str | bytes) -> str:
    """Kept in the session at sign-in; it changes with the password, so a reset ends older sessions. Keyed
    with the app's secret: the session cookie is signed, not encrypted, and must say nothing of the hash."""
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:32]


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise IncidentRefusal("invalid_input", {"field": "password", "type": "string_too_short",
                                                "min_length": str(MIN_PASSWORD),
                                                "problem": f"at least {MIN_PASSWORD} characters",
                                                "problem_ja": f"{MIN_PASSWORD}文字以上"})


def authenticate(session: Session, username: str, password: str) -> ConsoleUser | None:
    """The active user with this username and password, or None (the caller says nothing more specific)."""
    user = session.scalar(select(ConsoleUser).where(ConsoleUser.username == (username or "").strip()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    return user
