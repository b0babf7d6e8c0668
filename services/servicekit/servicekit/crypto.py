"""Personal data encrypted at rest: a column type, a keyring with rotation, and blind indexes.

Contact details and free texts about people are stored as Fernet tokens (AES-128-CBC with an
HMAC-SHA256, from the ``cryptography`` package): a copy of the database, a backup or a database
administrator sees ciphertext only. The keys come from the environment, never from the database.

Keys (``configure``): a comma-separated list, newest first. New values are written with the first
key; every key in the list can still read. Rotation: put a new key first, run ``rotate()`` over the
encrypted columns (each value re-written under the new key), then drop the old key from the list.

A value that must be looked up (an e-mail address, to match an inbound message or to rate-limit
by sender) also gets a *blind index*: an HMAC of its normalised form under a separate index key,
so equal addresses meet without the address being readable.
"""
from __future__ import annotations

import hashlib
import hmac
import unicodedata
from typing import Iterable, Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text, cast, literal, select, update
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator


class CryptoError(RuntimeError):
    """The keyring is missing or a stored value cannot be read with any configured key."""


class Keyring:
    """The data keys (newest first) and the index key."""

    def __init__(self, data_keys: Sequence[str], index_key: str):
        if not data_keys:
            raise CryptoError("no data key configured / データ鍵が設定されていません")
        try:
            self.fernet = MultiFernet([Fernet(k.strip().encode()) for k in data_keys])
        except ValueError:
            raise CryptoError("a data key is not a Fernet key (32 url-safe base64 bytes) / "
                            "データ鍵の形式が正しくありません") from None
        if len(index_key) < 16:
            raise CryptoError("the index key must be 16+ characters / 索引鍵は16文字以上にしてください")
        self._index_key = index_key.encode()

    def encrypt(self, text: str) -> str:
        return self.fernet.encrypt(text.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self.fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise CryptoError("a stored value cannot be decrypted with the configured keys / "
                            "設定された鍵で復号できません（鍵の入れ替え途中？）") from None

    def rotate(self, token: str) -> str:
        """The same value under the newest key."""
        return self.fernet.rotate(token.encode()).decode()

    def index(self, value: str) -> str:
        """A blind index: equal after normalisation (NFKC, case, outer spaces) means equal index."""
        normal = unicodedata.normalize("NFKC", value or "").strip().casefold()
        return hmac.new(self._index_key, normal.encode(), hashlib.sha256).hexdigest()


_keyring: Keyring | None = None


def configure(data_keys: str | Sequence[str], index_key: str) -> Keyring:
    """Install the process's keyring (at service or app start-up, never at import)."""
    global _keyring
    keys = [k for k in (data_keys.split(",") if isinstance(data_keys, str) else data_keys) if k.strip()]
    _keyring = Keyring(keys, index_key)
    return _keyring


def keyring() -> Keyring:
    if _keyring is None:
        raise CryptoError("personal-data encryption is not configured (data keys and index key) / "
                        "個人データの暗号鍵が設定されていません")
    return _keyring


def new_key() -> str:
    """A fresh data key, for set-up scripts."""
    return Fernet.generate_key().decode()


class EncryptedText(TypeDecorator):
    """A text column stored encrypted; reads give the plain text back. None stays None."""
    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else keyring().encrypt(str(value))

    def process_result_value(self, value, dialect):
        return None if value is None else keyring().decrypt(value)


def rotate(session: Session, table, key_column, columns: Iterable) -> int:
    """Re-write every encrypted value of ``columns`` (columns of ``table``) under the newest key;
    returns the rows touched. The commit is the caller's."""
    columns = list(columns)
    ring = keyring()
    touched = 0
    # read and write the stored tokens as plain text (cast / literal bypass the column type)
    for key, *tokens in session.execute(select(key_column, *[cast(c, Text) for c in columns])).all():
        values = {c.name: literal(ring.rotate(t), Text) for c, t in zip(columns, tokens) if t is not None}
        if values:
            session.execute(update(table).where(key_column == key).values(**values))
            touched += 1
    return touched
