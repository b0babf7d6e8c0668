"""Kiosk fixtures: a private pcscd with vsmartcard's virtual readers."""
from tests.kiosk.pcsc import pcscd, pcscd_session  # noqa: F401
