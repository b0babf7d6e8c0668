"""One realistic example of every event, for docs/events.md and for consumers' tests."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from contracts import events as ev

AT = datetime(2026, 11, 30, 9, 0, 5, tzinfo=timezone.utc)
_ASSET = ev.AssetFeatures(tag="LT-0001", kind="laptop", model_number="VJPK11C12N", serial_number="SN-778812",
                          colour="silver", description="VAIO Pro PK 14in", department="営業部",
                          home_cabinet="3F-A")
_INVENTORY = ev.DataInventory(categories=("name", "email", "phone"), customer_ids=("C-100", "C-200"),
                              approx_persons=1200, eu_data_subjects=True)
_PROTECTION = ev.Protection(encryption="full_disk", cipher="AES-256 XTS", key_stored_separately=True,
                            remote_wipe=True, password_lock=True)
_HOLDER = ev.Person(employee_number="E001", name="佐藤 花子", email="sato@example.co.jp", department="営業部")
_MANAGER = ev.Person(employee_number="M001", name="田中 一郎", email="tanaka@example.co.jp", department="営業部")
_CHECKOUT = ev.CheckoutFacts(custody_id=42, checked_out_at=AT - timedelta(hours=8), kiosk_id="kiosk-3F",
                             due_at=AT - timedelta(seconds=5), purpose="visit to customer C-100")


def _id(n: int) -> dict:
    return {"event_id": f"00000000-0000-4000-8000-{n:012d}", "occurred_at": AT}


EXAMPLES: list[ev.Event] = [
    ev.AssetRegistered(**_id(1), asset=_ASSET, data_inventory=_INVENTORY, protection=_PROTECTION),
    ev.AssetUpdated(**_id(2), asset=_ASSET, data_inventory=_INVENTORY, protection=_PROTECTION),
    ev.AssetRetired(**_id(3), tag="LT-0001", reason="battery swollen"),
    ev.AssetCheckedOut(**_id(4), asset=_ASSET, holder=_HOLDER, checkout=_CHECKOUT),
    ev.AssetReturned(**_id(5), tag="LT-0001", custody_id=42, holder=_HOLDER, returned_by=_MANAGER,
                     returned_by_other=True, returned_at=AT, kiosk_id="kiosk-1F", was_overdue=False),
    ev.PossibleLossDetected(**_id(6), asset=_ASSET, data_inventory=_INVENTORY, protection=_PROTECTION,
                            holder=_HOLDER, manager=_MANAGER, checkout=_CHECKOUT, detected_at=AT),
    ev.AssetRecovered(**_id(7), tag="LT-0001", custody_id=42, recovered_at=AT, returned_by=_HOLDER,
                      kiosk_id="kiosk-3F"),
    ev.AssetMarkedLost(**_id(8), tag="LT-0001", custody_id=42, reason="confirmed lost on the train"),
    ev.EmployeeRegistered(**_id(9), employee=_HOLDER, manager_number="M001", active=True),
    ev.EmployeeUpdated(**_id(10), employee=_HOLDER, manager_number="M001", active=False),
    ev.CardBound(**_id(11), employee_number="E001"),
]
