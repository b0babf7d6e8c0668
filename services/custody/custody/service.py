"""The custody nameko service: thin RPC entrypoints over the ledger and custody use cases."""
from __future__ import annotations

from datetime import datetime

from nameko.rpc import rpc

import contracts.rpc  # noqa: F401  (refusals reach RPC callers as CustodyRefusal)
from contracts.errors import CustodyRefusal
from contracts.events import CUSTODY
from custody import audit, handlers, ledger, views
from custody.clock import utcnow
from custody.dependencies import Config, DbSession
from custody.loops import OutboxRelay, OverdueSweeper

refusals = rpc(expected_exceptions=(CustodyRefusal,))


def _when(value: str | None) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise CustodyRefusal("invalid_input", {"field": "due_at", "problem": "not an ISO 8601 time"}) from None


class CustodyService:
    """Asset ledger, checkout and return at the cabinet, overdue → possible loss."""
    name = CUSTODY

    config = Config()
    db = DbSession()
    relay = OutboxRelay()
    sweeper = OverdueSweeper()

    @refusals
    def register_asset(self, asset: dict, actor: str = "system") -> dict:
        """Add an asset to the ledger (tag, kind, model and serial number, data, protection)."""
        return ledger.register_asset(self.db, asset, actor, utcnow())

    @refusals
    def update_asset(self, tag: str, changes: dict, actor: str = "system") -> dict:
        """Change an asset's fields; every change is in the audit log."""
        return ledger.update_asset(self.db, tag, changes, actor, utcnow())

    @refusals
    def retire_asset(self, tag: str, reason: str = "", actor: str = "system") -> dict:
        """Take an asset out of service for good."""
        return ledger.retire_asset(self.db, tag, reason, actor, utcnow())

    @refusals
    def mark_lost(self, tag: str, reason: str = "", actor: str = "system") -> dict:
        """Record an asset as lost; a later return recovers it."""
        return handlers.mark_lost(self.db, tag, reason, actor, utcnow())

    @refusals
    def register_employee(self, employee: dict, actor: str = "system") -> dict:
        """Add an employee (number, name, email, department, manager, training date)."""
        return ledger.register_employee(self.db, employee, actor, utcnow())

    @refusals
    def update_employee(self, employee_number: str, changes: dict, actor: str = "system") -> dict:
        """Change an employee's details; ``{"active": false}`` retires them."""
        return ledger.update_employee(self.db, employee_number, changes, actor, utcnow())

    @refusals
    def bind_card(self, employee_number: str, card_hash: str, actor: str = "system") -> dict:
        """Bind an IC card, given as its keyed hash (contracts.cards.card_hash), to an employee."""
        return ledger.bind_card(self.db, employee_number, card_hash, actor, utcnow())

    @refusals
    def employee_by_card(self, card_hash: str) -> dict:
        """The active employee holding this card."""
        return views.employee_dict(ledger.employee_by_card(self.db, card_hash))

    @refusals
    def checkout(self, card_hash: str, kiosk_id: str, label: str | None = None, tag: str | None = None,
                 due_at: str | None = None, purpose: str = "") -> dict:
        """Take an asset out: card hash plus a scanned label (or a typed tag); refused with a reason."""
        store = self.config
        return handlers.checkout(self.db, store.policy, store.settings.label_key, utcnow(),
                                 card_hash=card_hash, kiosk_id=kiosk_id, label=label, tag=tag,
                                 due_at=_when(due_at), purpose=purpose or "")

    @refusals
    def return_asset(self, kiosk_id: str, label: str | None = None, tag: str | None = None,
                     card_hash: str | None = None) -> dict:
        """Bring an asset back; the card is optional and a return by someone else is recorded."""
        return handlers.return_asset(self.db, self.config.settings.label_key, utcnow(),
                                     kiosk_id=kiosk_id, label=label, tag=tag, card_hash=card_hash)

    @refusals
    def get_asset(self, tag: str) -> dict:
        """An asset with its custody history, newest first."""
        return handlers.asset_with_history(self.db, tag)

    @rpc
    def list_checked_out(self) -> list[dict]:
        """Every open checkout, earliest due first."""
        return handlers.list_open(self.db)

    @rpc
    def list_overdue(self) -> list[dict]:
        """Open checkouts whose due time has passed."""
        return handlers.list_open(self.db, overdue_only=True)

    @rpc
    def health(self) -> dict:
        """Liveness plus the figures ops watch: events waiting to be published, what is out and overdue."""
        return handlers.health(self.db, utcnow())

    @rpc
    def verify_audit_chain(self) -> dict:
        """Check the audit log's hash chain; names the first broken entry."""
        return audit.verify(self.db).to_dict()
