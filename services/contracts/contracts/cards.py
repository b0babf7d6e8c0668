"""IC-card identity: a keyed hash of the card UID, made where the card is read.

The raw UID (FeliCa IDm, MIFARE UID) never leaves the reader's process; custody only
ever sees and stores ``card_hash(uid, key)``.
"""
from __future__ import annotations

import hashlib
import hmac
import re

_HASH = re.compile(r"^[0-9a-f]{64}$")


def card_hash(uid: bytes | str, key: bytes) -> str:
    """HMAC-SHA256 of the UID bytes (hex text accepted, spaces and case ignored)."""
    if isinstance(uid, str):
        uid = bytes.fromhex(uid.replace(" ", "").replace(":", ""))
    if not uid:
        raise ValueError("empty card UID")
    return hmac.new(key, b"card-uid:" + uid, hashlib.sha256).hexdigest()


def is_card_hash(value: str) -> bool:
    """True for a well-formed hash; a raw UID sent by mistake is rejected by this check."""
    return bool(_HASH.match(value or ""))
