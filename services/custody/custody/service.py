"""The custody nameko service: thin RPC entrypoints over the ledger and custody use cases."""
from __future__ import annotations

from nameko.rpc import rpc

import contracts.rpc  # noqa: F401  (refusals reach RPC callers as CustodyRefusal)
from contracts import answers
from contracts.errors import CustodyRefusal
from contracts.events import CUSTODY
from custody import audit, handlers, kiosks, ledger, queries, views
from custody.dependencies import STORE
from custody.loops import OverdueSweeper
from custody.metrics import FIGURES
from custody.outbox import OUTBOX
from custody.schemas import moment
from custody.views import wire
from servicekit.clock import utcnow
from servicekit.service import Service

refusals = rpc(expected_exceptions=(CustodyRefusal,))


class CustodyService(Service, store=STORE, outbox=OUTBOX, figures=FIGURES):
    """Asset ledger, checkout and return at the cabinet, overdue → possible loss."""
    name = CUSTODY
    sweeper = OverdueSweeper(STORE)

    @refusals
    def register_asset(self, asset: dict, actor: str = "system") -> dict:
        """Add an asset to the ledger (tag, kind, model and serial number, data, protection)."""
        return wire(ledger.register_asset(self.db, asset, actor, utcnow()))

    @refusals
    def update_asset(self, tag: str, changes: dict, actor: str = "system") -> dict:
        """Change an asset's fields; every change is in the audit log."""
        return wire(ledger.update_asset(self.db, tag, changes, actor, utcnow()))

    @refusals
    def retire_asset(self, tag: str, reason: str = "", actor: str = "system") -> dict:
        """Take an asset out of service for good."""
        return wire(ledger.retire_asset(self.db, self.config.settings.policy, tag, reason, actor, utcnow()))

    @refusals
    def mark_lost(self, tag: str, reason: str = "", actor: str = "system") -> dict:
        """Record an asset as lost; a later return recovers it."""
        return wire(handlers.mark_lost(self.db, tag, reason, actor, utcnow()))

    @refusals
    def register_employee(self, employee: dict, actor: str = "system") -> dict:
        """Add an employee (number, name, email, department, manager, training date)."""
        return wire(ledger.register_employee(self.db, employee, actor, utcnow()))

    @refusals
    def update_employee(self, employee_number: str, changes: dict, actor: str = "system") -> dict:
        """Change an employee's details; ``{"active": false}`` retires them."""
        return wire(ledger.update_employee(self.db, employee_number, changes, actor, utcnow()))

    @refusals
    def retire_employee(self, employee_number: str, reason: str = "", actor: str = "system") -> dict:
        """The employee may no longer take assets out (left, moved); the answer lists what they still hold."""
        return wire(ledger.retire_employee(self.db, employee_number, reason, actor, utcnow()))

    @refusals
    def bind_card(self, employee_number: str, card_hash: str, actor: str = "system") -> dict:
        """Bind an IC card, given as its keyed hash (contracts.cards.card_hash), to an employee."""
        return wire(ledger.bind_card(self.db, employee_number, card_hash, actor, utcnow()))

    @refusals
    def register_kiosk(self, kiosk_id: str, name: str = "", actor: str = "system") -> dict:
        """Register or re-key a kiosk; the secret in the answer is shown once."""
        return wire(kiosks.register_kiosk(self.db, kiosk_id, name, actor, utcnow()))

    @refusals
    def disable_kiosk(self, kiosk_id: str, actor: str = "system") -> None:
        """Stop accepting calls from a kiosk (lost, stolen or replaced)."""
        kiosks.disable_kiosk(self.db, kiosk_id, actor, utcnow())

    @refusals
    def employee_by_card(self, kiosk_id: str, kiosk_secret: str, card_hash: str) -> dict:
        """The active employee holding this card (for the kiosk's greeting)."""
        kiosks.verify(self.db, kiosk_id, kiosk_secret)
        return wire(handlers.card_holder(self.db, card_hash))

    @refusals
    def kiosk_roster(self, kiosk_id: str, kiosk_secret: str) -> dict:
        """Card hashes, names and asset names a kiosk caches to keep working offline."""
        kiosks.verify(self.db, kiosk_id, kiosk_secret)
        return wire(kiosks.roster(self.db, utcnow()))

    @refusals
    def preview_scan(self, kiosk_id: str, kiosk_secret: str, label: str | None = None, tag: str | None = None,
                     card_hash: str | None = None) -> dict:
        """What a scanned label means now (return, or checkout with its due time); changes nothing."""
        kiosks.verify(self.db, kiosk_id, kiosk_secret)
        settings = self.config.settings
        return wire(handlers.preview_scan(self.db, settings.policy, settings.label_key, utcnow(),
                                          card_hash=card_hash, label=label, tag=tag))

    @refusals
    def checkout(self, kiosk_id: str, kiosk_secret: str, card_hash: str, label: str | None = None,
                 tag: str | None = None, due_at: str | None = None, purpose: str = "",
                 request_id: str | None = None, occurred_at: str | None = None) -> dict:
        """Take an asset out: card hash plus a scanned label (or a typed tag); refused with a reason."""
        kiosks.verify(self.db, kiosk_id, kiosk_secret)
        occurred, due = moment(occurred_at, "occurred_at"), moment(due_at, "due_at")
        settings = self.config.settings
        return wire(handlers.checkout(self.db, settings.policy, settings.label_key, utcnow(),
                                      card_hash=card_hash, kiosk_id=kiosk_id, label=label, tag=tag, due_at=due,
                                      purpose=purpose or "", request_id=request_id, occurred_at=occurred))

    @refusals
    def return_asset(self, kiosk_id: str, kiosk_secret: str, label: str | None = None, tag: str | None = None,
                     card_hash: str | None = None, request_id: str | None = None,
                     occurred_at: str | None = None) -> dict:
        """Bring an asset back; the card is optional and a return by someone else is recorded."""
        kiosks.verify(self.db, kiosk_id, kiosk_secret)
        return wire(handlers.return_asset(self.db, self.config.settings.label_key, utcnow(),
                                          kiosk_id=kiosk_id, label=label, tag=tag, card_hash=card_hash,
                                          request_id=request_id, occurred_at=moment(occurred_at, "occurred_at")))

    @refusals
    def get_asset(self, tag: str) -> dict:
        """An asset with its custody history, newest first."""
        return wire(queries.asset_with_history(self.db, tag))

    @refusals
    def get_employee(self, employee_number: str) -> dict:
        """An employee as the ledger has them, with their manager as a person (never the card hash)."""
        return wire(views.employee_with_manager(ledger.get_employee(self.db, employee_number)))

    @rpc
    def list_checked_out(self) -> list[dict]:
        """Every open checkout, earliest due first."""
        return wire(queries.list_open(self.db))

    @rpc
    def list_overdue(self) -> list[dict]:
        """Open checkouts whose due time has passed."""
        return wire(queries.list_open(self.db, overdue_only=True))

    @rpc
    def health(self) -> dict:
        """Ready or not and why (database, broker, each loop's last run), with the outbox backlog, what is out and overdue."""
        return wire(answers.Health(**self.ops.health(lambda: queries.health(self.db, utcnow()))))

    @rpc
    def verify_audit_chain(self) -> dict:
        """Check the audit log's hash chain; names the first broken entry."""
        return wire(audit.verify(self.db))
