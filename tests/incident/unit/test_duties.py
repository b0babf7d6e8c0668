"""The reporting-duty rules on their own: APPI Art. 26, My Number Act, GDPR Arts. 33-34."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from contracts.events import DataInventory, Protection

from incident import domain, duties
from incident.texts import Said

AWARE = datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
APPI_CODES = ("appi_ppc_preliminary", "appi_ppc_final", "appi_notify_persons")
PLAIN = Protection()
SAFE = Protection(encryption="full_disk", cipher="AES-256 XTS", key_stored_separately=True)


def facts(categories=("name",), persons=1, eu=False, protection=PLAIN, **over) -> duties.Facts:
    inventory = DataInventory(categories=categories, approx_persons=persons, eu_data_subjects=eu)
    return duties.Facts(inventory=inventory, protection=protection, aware_at=AWARE, **over)


def required(assessment: duties.Assessment) -> set[str]:
    return {d.code for d in assessment.duties if d.required}


def test_every_duty_is_listed_even_when_none_is_required():
    result = duties.assess(facts())
    assert {d.code for d in result.duties} == {r.code for r in duties.DUTY_RULES}
    assert required(result) == set()
    assert all(d.reasons for d in result.duties)
    assert result.duty("appi_ppc_final").reasons == (
        Said("第26条の4類型のいずれにも該当しない", "None of the four Art. 26 cases applies"),)


def test_one_persons_health_data_is_case_1_and_requires_appi_duties():
    result = duties.assess(facts(categories=("name", "health")))
    assert result.appi_cases == (1,)
    assert required(result) >= set(APPI_CODES)
    # the category in words, not its code, in each language
    assert Said("(1) 要配慮個人情報を含む：健康・病歴情報（要配慮個人情報）", "(1) Includes sensitive data: health data (sensitive)") \
        in result.duty("appi_ppc_preliminary").reasons


def test_sensitive_category_is_case_1():
    assert duties.assess(facts(categories=("sensitive",))).appi_cases == (1,)


@pytest.mark.parametrize("category", ["credit_card", "bank_account", "login_credentials"])
def test_financial_data_of_one_person_is_case_2(category):
    result = duties.assess(facts(categories=(category,)))
    assert result.appi_cases == (2,)
    assert required(result) >= set(APPI_CODES)


def test_email_and_phone_alone_are_not_case_2():
    assert duties.assess(facts(categories=("name", "email", "phone"), persons=10)).appi_cases == ()


def test_improper_purpose_is_case_3_with_final_report_at_60_days():
    result = duties.assess(facts(improper_purpose_suspected=True))
    assert result.appi_cases == (3,)
    assert result.duty("appi_ppc_final").limit_at == AWARE + timedelta(days=60)


def test_exactly_1000_persons_is_not_case_4():
    result = duties.assess(facts(categories=("email",), persons=1000))
    assert result.appi_cases == ()
    assert not result.duty("appi_ppc_preliminary").required


def test_1001_persons_is_case_4():
    assert duties.assess(facts(categories=("email",), persons=1001)).appi_cases == (4,)


def test_email_only_of_1200_persons_is_case_4_only_with_final_report_at_30_days():
    result = duties.assess(facts(categories=("email",), persons=1200))
    assert result.appi_cases == (4,)
    assert result.duty("appi_ppc_final").limit_at == AWARE + timedelta(days=30)
    assert Said("(4) 本人の数が1,000人を超える（1,200人）", "(4) More than 1,000 persons (1,200)") in result.duty("appi_ppc_final").reasons


def test_several_cases_are_all_listed():
    result = duties.assess(facts(categories=("health", "credit_card"), persons=5000, improper_purpose_suspected=True))
    assert result.appi_cases == (1, 2, 3, 4)


def test_preliminary_report_and_notice_deadlines_are_exact():
    result = duties.assess(facts(categories=("health",)))
    preliminary = result.duty("appi_ppc_preliminary")
    assert (preliminary.target_at, preliminary.limit_at) == (AWARE + timedelta(days=3), AWARE + timedelta(days=5))
    notice = result.duty("appi_notify_persons")
    assert (notice.target_at, notice.limit_at) == (AWARE + timedelta(days=3), None)
    assert (result.duty("appi_ppc_final").target_at, result.duty("appi_ppc_final").limit_at) == (None, AWARE + timedelta(days=30))


def test_duties_not_required_carry_no_deadlines():
    duty = duties.assess(facts()).duty("appi_ppc_preliminary")
    assert (duty.required, duty.target_at, duty.limit_at) == (False, None, None)


def test_aware_at_must_be_timezone_aware():
    with pytest.raises(ValueError):
        duties.Facts(inventory=DataInventory(), protection=PLAIN, aware_at=datetime(2026, 12, 1, 9, 30))


def test_aes_256_xts_full_disk_with_key_apart_is_exempt_from_appi_and_gdpr_authority():
    result = duties.assess(facts(categories=("health",), eu=True, protection=SAFE))
    assert result.encryption_exempt and result.appi_cases == (1,)
    assert required(result) == set()
    assert duties.NOT_REQUIRED_BY_ENCRYPTION in result.duty("appi_ppc_preliminary").reasons
    assert any("Art. 33(1)" in r.en and "第33条1項" in r.ja for r in result.duty("gdpr_authority").reasons)
    assert domain.nearest_first(result.duties) == []


def test_encrypted_but_key_stored_with_device_is_not_exempt():
    result = duties.assess(facts(categories=("health",), protection=SAFE.model_copy(update={"key_stored_separately": False})))
    assert not result.encryption_exempt
    assert result.duty("appi_ppc_preliminary").required
    assert Said("鍵が端末と一緒に保管", "Key stored with the device") in result.reasoning
    assert Said("鍵が端末と一緒に保管", "Key stored with the device") in result.duty("appi_ppc_preliminary").reasons


def test_unencrypted_device_is_not_exempt_for_that_reason_alone():
    result = duties.assess(facts(categories=("health",)))
    assert not result.encryption_exempt
    assert result.reasoning.count(Said("暗号化なし", "Not encrypted")) == 1
    assert not any("Key stored" in line.en for line in result.reasoning)


@pytest.mark.parametrize("cipher", ["AES-256 XTS", "AES-256-GCM", "AES256", "aes-128-cbc", "XTS-AES 128", "AES",
                                    "Camellia-128", "camellia256", "Camellia-192 CBC"])
def test_high_level_cipher_families_are_recognised(cipher):
    assert duties.assess(facts(protection=SAFE.model_copy(update={"cipher": cipher}))).encryption_exempt


@pytest.mark.parametrize("cipher", ["ROT13", "", "DES", "RC4", "AES-512", "Blowfish"])
def test_unknown_cipher_with_key_apart_is_not_exempt(cipher):
    result = duties.assess(facts(protection=SAFE.model_copy(update={"cipher": cipher})))
    assert not result.encryption_exempt
    assert any("Not a recognised high-level cipher" in line.en and "高度な暗号方式と認められない" in line.ja
               for line in result.reasoning)


def test_chacha20_is_not_exempt_because_it_is_not_on_the_cryptrec_list():
    result = duties.assess(facts(categories=("health",), protection=SAFE.model_copy(update={"cipher": "ChaCha20-Poly1305"})))
    assert not result.encryption_exempt
    assert duties.NOT_HIGH_LEVEL["chacha"] in result.reasoning
    assert result.duty("appi_ppc_preliminary").required


def test_file_level_encryption_without_confirmation_that_all_data_is_inside_is_not_exempt():
    result = duties.assess(facts(categories=("health",), protection=SAFE.model_copy(update={"encryption": "file_level"})))
    assert not result.encryption_exempt
    assert Said("暗号化ファイル外にデータが残る可能性", "Personal data may lie outside the encrypted files") in result.reasoning


def test_file_level_encryption_with_all_data_inside_is_exempt():
    protection = SAFE.model_copy(update={"encryption": "file_level"})
    assert duties.assess(facts(categories=("health",), protection=protection, all_data_in_encrypted_files=True)).encryption_exempt


def test_persons_not_contactable_requires_public_announcement_instead_of_notice():
    result = duties.assess(facts(categories=("health",), persons_contactable=False))
    announcement, notice = result.duty("public_announcement"), result.duty("appi_notify_persons")
    assert announcement.required and announcement.target_at == AWARE + timedelta(days=3)
    assert not notice.required
    assert notice.reasons == (Said("本人への通知が困難：公表で代替", "The persons cannot be notified: public announcement instead"),)


def test_contactable_persons_need_no_public_announcement():
    result = duties.assess(facts(categories=("health",)))
    assert not result.duty("public_announcement").required
    assert result.duty("appi_notify_persons").required


def test_my_number_triggers_the_my_number_report_with_appi_deadlines():
    result = duties.assess(facts(categories=("my_number",)))
    preliminary, final = result.duty("my_number_report_preliminary"), result.duty("my_number_report_final")
    assert preliminary.required and final.required
    assert (preliminary.target_at, preliminary.limit_at) == (AWARE + timedelta(days=3), AWARE + timedelta(days=5))
    assert final.limit_at == AWARE + timedelta(days=30)
    assert result.appi_cases == ()  # My Number data alone is not one of the four APPI cases


def test_my_number_final_report_is_60_days_on_improper_purpose():
    result = duties.assess(facts(categories=("my_number",), improper_purpose_suspected=True))
    assert result.duty("my_number_report_final").limit_at == AWARE + timedelta(days=60)


def test_my_number_report_is_exempt_under_high_level_encryption():
    result = duties.assess(facts(categories=("my_number",), protection=SAFE))
    assert not result.duty("my_number_report_preliminary").required


def test_no_my_number_data_means_no_my_number_report():
    assert not duties.assess(facts(categories=("health",))).duty("my_number_report_preliminary").required


def test_gdpr_eu_subjects_unencrypted_require_authority_notice_within_exactly_72_hours():
    duty = duties.assess(facts(categories=("email",), eu=True)).duty("gdpr_authority")
    assert duty.required
    assert duty.limit_at == AWARE + timedelta(hours=72)
    assert duty.limit_at == datetime(2026, 12, 4, 0, 30, tzinfo=timezone.utc)


def test_gdpr_without_eu_subjects_requires_nothing():
    result = duties.assess(facts(categories=("health",), eu=False))
    for code in ("gdpr_authority", "gdpr_notify_persons"):
        assert not result.duty(code).required
        assert result.duty(code).reasons == (Said("EU域内の本人のデータなし", "No EU data subjects"),)


def test_gdpr_unlikely_risk_needs_no_authority_notice():
    assert not duties.assess(facts(eu=True, gdpr_unlikely_risk=True)).duty("gdpr_authority").required


def test_gdpr_high_risk_defaults_from_appi_cases_1_and_2():
    assert duties.assess(facts(categories=("credit_card",), eu=True)).duty("gdpr_notify_persons").required
    assert not duties.assess(facts(categories=("email",), persons=5000, eu=True)).duty("gdpr_notify_persons").required


def test_gdpr_high_risk_can_be_stated_explicitly():
    assert duties.assess(facts(categories=("email",), eu=True, gdpr_high_risk=True)).duty("gdpr_notify_persons").required
    assert not duties.assess(facts(categories=("health",), eu=True, gdpr_high_risk=False)).duty("gdpr_notify_persons").required


def test_gdpr_high_risk_with_encryption_needs_no_notice_to_persons():
    duty = duties.assess(facts(categories=("email",), eu=True, protection=SAFE, gdpr_high_risk=True)).duty("gdpr_notify_persons")
    assert not duty.required
    assert any("Art. 34(3)(a)" in r.en for r in duty.reasons)


def test_deadlines_are_required_duties_nearest_first():
    result = duties.assess(facts(categories=("health", "my_number"), eu=True, improper_purpose_suspected=True))
    dues = domain.nearest_first(result.duties)
    assert [d.code for d in dues] == [
        "gdpr_authority",  # a 72-hour limit ties with the 3-day targets and goes first as a hard limit
        "appi_ppc_preliminary", "appi_notify_persons", "my_number_report_preliminary",
        "appi_ppc_final", "my_number_report_final",  # 60 days (case 3)
    ]  # gdpr_notify_persons is required but has no fixed time
    assert [d.due_at for d in dues] == [AWARE + timedelta(days=n) for n in (3, 3, 3, 3, 60, 60)]


def test_deadlines_leave_out_duties_not_required():
    dues = domain.nearest_first(duties.assess(facts(categories=("email",), persons=2000, persons_contactable=False)).duties)
    assert [d.code for d in dues] == ["appi_ppc_preliminary", "public_announcement", "appi_ppc_final"]


def test_changed_facts_give_a_new_assessment():
    before = duties.assess(facts(categories=("email",), persons=800))
    after = duties.assess(facts(categories=("email",), persons=800, improper_purpose_suspected=True))
    assert required(before) == set() and required(after) >= set(APPI_CODES)
