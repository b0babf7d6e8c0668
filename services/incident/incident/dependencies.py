"""incident's store: its settings (the INCIDENT section), shared by every provider the service declares."""
from __future__ import annotations

from incident import settings
from servicekit.dependencies import Store

STORE = Store(settings.from_config)
