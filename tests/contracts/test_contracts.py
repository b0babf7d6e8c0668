"""The shared contracts: schemas, refusal messages, card hashes."""
import re
from typing import get_args

import pytest
from pydantic import BaseModel, Field, ValidationError

from contracts.cards import card_hash, is_card_hash
from contracts.desk import Desk
from contracts.errors import LANGUAGES, MESSAGES, CustodyRefusal, invalid_input, render
from contracts.labels import problem_params
from contracts import words
from contracts.events import EVENTS, AssetKind, AssetRetired, DataCategory, Encryption, parse_event


def test_every_event_type_is_past_tense_snake_case_and_versioned():
    for name, cls in EVENTS.items():
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", name) and cls.event_type == name
        assert cls.model_fields["version"].default == 1


def test_event_round_trips_through_json_and_keeps_its_id():
    event = AssetRetired.new(tag="LT-1", reason="broken")
    again = parse_event("asset_retired", event.to_wire())
    assert again == event and len(event.event_id) == 36


def test_unknown_fields_in_an_event_are_rejected():
    body = AssetRetired.new(tag="LT-1").to_wire() | {"surprise": 1}
    with pytest.raises(ValidationError):
        parse_event("asset_retired", body)


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_refusal_has_japanese_and_english_with_all_placeholders_filled(code):
    names = set(re.findall(r"{(\w+)}", MESSAGES[code]["ja"]))
    assert names == set(re.findall(r"{(\w+)}", MESSAGES[code]["en"]))
    params = {name: f"<{name}>" for name in names}
    for lang in LANGUAGES:
        text = render(code, params, lang)
        assert "{" not in text and all(f"<{n}>" in text for n in names)


def test_refusal_str_carries_no_personal_data():
    refusal = CustodyRefusal("asset_already_out", {"tag": "LT-1", "holder_name": "山田 太郎", "since": "09:12"})
    assert str(refusal) == "asset_already_out"
    assert "山田 太郎" in refusal.message("ja") and "山田 太郎" in refusal.message("en")


def test_unknown_refusal_code_is_a_programming_error():
    with pytest.raises(ValueError):
        CustodyRefusal("no_such_reason")


def test_card_hash_is_keyed_and_ignores_formatting():
    assert card_hash("01 2e 4c 7a", b"k1" * 8) == card_hash("012E4C7A", b"k1" * 8)
    assert card_hash("012E4C7A", b"k1" * 8) != card_hash("012E4C7A", b"k2" * 8)
    assert is_card_hash(card_hash("012E4C7A", b"k1" * 8)) and not is_card_hash("012E4C7A")


def test_events_doc_is_generated_from_the_current_contracts():
    import importlib.util
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("events_doc", root / "scripts" / "events_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (root / "docs" / "events.md").read_text(encoding="utf-8") == module.render(), \
        "docs/events.md is stale: run .venv/bin/python scripts/events_doc.py"


def test_every_event_type_has_a_documented_example():
    from contracts.examples import EXAMPLES
    assert {e.event_type for e in EXAMPLES} == set(EVENTS)


@pytest.mark.parametrize("table, codes", [(words.KINDS, AssetKind), (words.CATEGORIES, DataCategory),
                                          (words.ENCRYPTION, Encryption)], ids=["kind", "category", "encryption"])
def test_every_code_has_its_own_words_in_both_languages(table, codes):
    assert set(table) == set(get_args(codes))
    for lang in (0, 1):
        said = [pair[lang] for pair in table.values()]
        assert all(said) and len(set(said)) == len(said), said


def test_words_for_an_unknown_code_show_the_code_and_english_keeps_its_capitals():
    assert words.kind("usb_storage", "ja") == "USBメモリ" and words.category("health", "en") == "health data (sensitive)"
    assert words.kind("drone", "ja") == "drone"
    assert words.upper_first(words.kind("usb_storage", "en")) == "USB stick"
    assert words.upper_first(words.kind("laptop", "en")) == "Laptop"


def test_a_detail_given_in_japanese_too_is_shown_in_japanese_and_the_english_one_in_english():
    refusal = CustodyRefusal("label_invalid", problem_params("signature does not match"))
    assert "（署名が一致しません）" in refusal.message("ja")
    assert "(signature does not match)" in refusal.message("en")
    assert refusal.to_dict()["params"]["problem"] == "signature does not match"  # logs and the API keep English


class _Form(BaseModel):
    name: str = Field(max_length=5)
    persons: int = Field(ge=0)


@pytest.mark.parametrize("data, field, japanese", [
    ({"persons": 1}, "name", "入力が必要です"),
    ({"name": "toolongname", "persons": 1}, "name", "5文字以内にしてください"),
    ({"name": "ok", "persons": -1}, "persons", "0以上にしてください"),
    ({"name": "ok", "persons": "many"}, "persons", "整数で入力してください"),
])
def test_a_validation_problem_names_the_field_in_english_and_in_japanese(data, field, japanese):
    with pytest.raises(ValidationError) as info:
        _Form.model_validate(data)
    refusal = invalid_input(CustodyRefusal, info.value)
    assert refusal.params["field"] == field
    assert refusal.message("ja") == f"入力が正しくありません：{field}（{japanese}）"
    assert refusal.message("en").startswith(f"Invalid input: {field} (") and japanese not in refusal.message("en")


DESK = Desk(name_ja="情報セキュリティ窓口", name_en="the information security desk", phone="03-1234-5678",
            email="security-desk@example.co.jp", location_ja="本社3階", location_en="head office, 3rd floor")
SENDS_TO_A_DESK = ("card_unknown", "employee_inactive", "asset_lost", "label_invalid", "kiosk_unknown")


@pytest.mark.parametrize("code", SENDS_TO_A_DESK)
def test_a_refusal_that_sends_someone_to_a_desk_names_the_one_configured_desk(code):
    params = {"employee_name": "佐藤 花子", "tag": "LT-0001", "problem": "malformed tag"}
    for lang in LANGUAGES:
        assert DESK.reference(lang) in CustodyRefusal(code, params).message(lang, DESK)
        assert DESK.reference(lang) in CustodyRefusal(code, params).to_dict(DESK)["message"][lang]
    assert "情報セキュリティ窓口（03-1234-5678）にカードの登録を依頼してください" in render("card_unknown", {}, "ja", DESK)


def test_no_refusal_names_a_desk_of_its_own():
    for code, texts in MESSAGES.items():
        for other in ("管理部門", "情報セキュリティ担当", "情報システム担当", "administration desk", "information-security team"):
            assert other not in texts["ja"] + texts["en"], code
    assert {code for code, texts in MESSAGES.items() if "{desk}" in texts["ja"]} == set(SENDS_TO_A_DESK)


def test_a_refusal_rendered_without_a_desk_uses_neutral_words_not_a_placeholder():
    assert CustodyRefusal("card_unknown").message("ja") == \
        "このカードは登録されていません。情報セキュリティ窓口にカードの登録を依頼してください。"
    assert CustodyRefusal("kiosk_unknown").message("en").endswith("Please contact the security desk.")


@pytest.mark.parametrize("ledger, ja, en", [("black", "黒", "black"), ("Silver", "シルバー", "silver"), ("gray", "グレー", "grey"),
                                            ("Space  Grey", "スペースグレイ", "space grey"), ("白", "白", "white"),
                                            ("matte black with a sticker", "matte black with a sticker", "matte black with a sticker")])
def test_a_common_colour_word_is_said_in_the_readers_language_other_text_as_written(ledger, ja, en):
    assert (words.colour(ledger, "ja"), words.colour(ledger, "en")) == (ja, en)


def test_an_asset_recovered_written_before_holder_and_manager_were_added_still_parses():
    from contracts.events import AssetRecovered
    from contracts.examples import EXAMPLES
    body = next(e for e in EXAMPLES if isinstance(e, AssetRecovered)).to_wire()
    old = {k: v for k, v in body.items() if k not in ("holder", "manager")}
    parsed = parse_event("asset_recovered", old)
    assert (parsed.holder, parsed.manager, parsed.version) == (None, None, 1)
