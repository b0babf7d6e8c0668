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
_DEADLINE = ev.DeadlineFacts(duty_code="appi_ppc_preliminary", title_ja="個人情報保護委員会への速報",
                             title_en="Preliminary report to the PPC", law="APPI Art. 26 (個人情報保護法第26条)",
                             due_at=AT + timedelta(days=3), hard_limit=False)
_FINAL = ev.DeadlineFacts(duty_code="appi_ppc_final", title_ja="個人情報保護委員会への確報",
                          title_en="Final report to the PPC", law="APPI Art. 26 (個人情報保護法第26条)",
                          due_at=AT + timedelta(days=30), hard_limit=True)
_INCIDENT = ev.IncidentSummary(incident_id=7, reference="INC-2026-0007", status="suspected",
                               title="ノートPC LT-0001 の紛失の疑い / Possible loss of laptop LT-0001", asset=_ASSET,
                               holder=_HOLDER, manager=_MANAGER, aware_at=AT, next_deadline=_DEADLINE,
                               open_deadlines=(_DEADLINE, _FINAL),
                               title_ja="ノートPC LT-0001 の紛失の疑い", title_en="Possible loss of laptop LT-0001")


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
                      kiosk_id="kiosk-3F", holder=_HOLDER, manager=_MANAGER),
    ev.AssetMarkedLost(**_id(8), tag="LT-0001", custody_id=42, reason="confirmed lost on the train"),
    ev.EmployeeRegistered(**_id(9), employee=_HOLDER, manager_number="M001", active=True),
    ev.EmployeeUpdated(**_id(10), employee=_HOLDER, manager_number="M001", active=False),
    ev.CardBound(**_id(11), employee_number="E001"),
    ev.IncidentOpened(**_id(12), incident=_INCIDENT, origin="possible_loss",
                      source_event_id="00000000-0000-4000-8000-000000000006", checkout=_CHECKOUT,
                      data_inventory=_INVENTORY, protection=_PROTECTION),
    ev.IncidentUpdated(**_id(13), incident=_INCIDENT.model_copy(update={"status": "confirmed"}), change="report",
                       detail="loss report version 2 submitted"),
    ev.IncidentDeadlineApproaching(**_id(14), incident=_INCIDENT, deadline=_DEADLINE, lead_hours=24),
    ev.IncidentDeadlineMissed(**_id(15), incident=_INCIDENT, deadline=_DEADLINE),
    ev.IncidentClosed(**_id(16), incident=_INCIDENT.model_copy(update={"status": "closed"}), resolution="no_leak",
                      closed_by="M001", reason="returned unopened the next morning"),
    ev.CustomerNoticeRequested(**_id(17), request_id="INC-2026-0007:apology:1", incident_reference="INC-2026-0007",
                               template="apology_notice", variables={"company": "株式会社サンプル"},
                               recipients=(ev.NoticeRecipient(email="customer1@example.com", name="山田 太郎"),
                                           ev.NoticeRecipient(email="c2@example.org", name="Jane Doe", language="en",
                                                              variables={"customer_id": "C-200"}))),
    ev.DeliveryFailed(**_id(18), delivery_id=991, template="possible_loss_holder", recipient="sato@example.co.jp",
                      source_event_id="00000000-0000-4000-8000-000000000006", attempts=1, permanent=True,
                      smtp_response="550 5.1.1 mailbox unavailable"),
]
