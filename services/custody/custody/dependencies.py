"""custody's store: its settings (the CUSTODY section), shared by every provider the service declares."""
from __future__ import annotations

from custody import settings
from servicekit.dependencies import Store

STORE = Store(settings.from_config)
