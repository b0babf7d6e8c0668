"""QR label payloads: the asset tag plus an HMAC, so only labels we printed are accepted.

Payload: ``CL1.<tag>.<signature>`` where the signature is the first 80 bits of
HMAC-SHA256(secret, "CL1." + tag) in base32 without padding (16 characters).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re

PREFIX = "CL1"
TAG_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")
_SIG_LEN = 16


PROBLEMS_JA = {"malformed tag": "番号の形式が違います", "not an asset label": "備品ラベルではありません",
               "signature does not match": "署名が一致しません", "no label or tag given": "ラベルも番号もありません"}


def problem_params(problem: str) -> dict[str, str]:
    """A label problem as refusal parameters: English for logs and the API, Japanese for the screen."""
    return {"problem": problem, "problem_ja": PROBLEMS_JA.get(problem, problem)}


class LabelError(ValueError):
    """The scanned text is not a label this company printed; ``problem`` says why."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def valid_tag(tag: str) -> bool:
    return bool(TAG_PATTERN.match(tag or ""))


def _signature(tag: str, secret: bytes) -> str:
    digest = hmac.new(secret, f"{PREFIX}.{tag}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode()[:_SIG_LEN]


def make_payload(tag: str, secret: bytes) -> str:
    if not valid_tag(tag):
        raise LabelError("malformed tag")
    return f"{PREFIX}.{tag}.{_signature(tag, secret)}"


def verify_payload(payload: str, secret: bytes) -> str:
    """Return the tag of a genuine label; raise LabelError otherwise."""
    parts = (payload or "").strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise LabelError("not an asset label")
    _, tag, signature = parts
    if not valid_tag(tag):
        raise LabelError("malformed tag")
    if not hmac.compare_digest(signature.upper(), _signature(tag, secret)):
        raise LabelError("signature does not match")
    return tag


def unverified_tag(scanned: str) -> str | None:
    """The tag a label claims to carry, without checking it (offline display only; custody verifies)."""
    parts = (scanned or "").strip().split(".")
    if len(parts) == 3 and parts[0] == PREFIX and valid_tag(parts[1]):
        return parts[1]
    return None
