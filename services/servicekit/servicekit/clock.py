"""The one source of "now" (UTC, aware), so tests and replays can reason about time."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
