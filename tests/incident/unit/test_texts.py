"""How the incident service says things: every validation problem the console's forms can meet is a sentence in
each language naming the field by the form's label; timeline entries said in one language and zone; pairs, titles."""
from __future__ import annotations

import re
import typing
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel, ValidationError

from contracts.errors import IncidentRefusal, problem_params
from incident import schemas, texts
from incident.texts import Said, fields, timeline

TOKYO = ZoneInfo("Asia/Tokyo")
CJK = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff01-\uff5e]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
NOW = "2026-11-30T17:40:00+09:00"

# A valid input per form (each list with one row), the base every bad value is put into.
VALID: dict[str, tuple[type[BaseModel], dict]] = {
    "report": (schemas.LossReport, {
        "data": [{"category": "name", "present": "yes", "note": ""}],
        "customers": [{"customer_id": "C-100", "persons": 3, "present": "yes", "note": ""}],
        "eu_data_subjects": False, "forgotten": {key: "no" for key in schemas.FORGOTTEN}, "forgotten_detail": "",
        "features": {"model_number_confirmed": True, "serial_number_confirmed": True, "colour": "", "shape": "",
                     "stickers": "", "case": ""},
        "last_seen_at": NOW, "last_seen_place": "品川駅", "circumstances": "置き忘れ",
        "movements": [{"at": NOW, "place": "", "text": "問い合わせ"}], "told": [{"at": NOW, "who": "課長", "how": ""}],
        "lost_or_stolen": "lost"}),
    "report_loss": (schemas.LossReported, {
        "asset_tag": "LT-0001", "kind": "laptop", "model_number": "", "serial_number": "", "description": "紛失",
        "holder_name": "", "holder_number": "", "holder_email": "", "categories": ["name"], "customer_ids": ["C-1"],
        "approx_persons": 0, "eu_data_subjects": False, "encryption": "none", "cipher": "",
        "key_stored_separately": False, "aware_at": NOW}),
    "timeline": (schemas.Movement, {"at": NOW, "place": "", "text": "駅に連絡"}),
    "facts": (schemas.Facts, {"improper_purpose_suspected": False, "all_data_in_encrypted_files": False,
                              "persons_contactable": True, "gdpr_unlikely_risk": False, "gdpr_high_risk": None,
                              "aware_at": NOW}),
    "review": (schemas.ReviewInput, {"causes": [{"category": "workload", "text": "繁忙"}]}),
    "action": (schemas.ActionInput, {"description": "鞄の指定", "owner": "総務部", "due_on": "2026-12-20"}),
    "measure": (schemas.MeasureInput, {
        "kind": "disciplinary", "employee_number": "E001", "summary": "", "actual_cost_yen": 1, "claimed_yen": 1,
        "penalty_fixed_in_advance": False, "negligence": "ordinary", "disciplinary_action": "demotion",
        "legal_review": {"reviewer": "法務", "reviewed_on": "2026-12-01", "conclusion": "相当"},
        "announce_company_wide": True, "submitted_on": "2026-12-01", "signed_by": ""}),
}
BAD_VALUES = (None, "", "x", "2026-13-45", "2026-11-30T10:00", "2026-11-30", "9" * 300, "x" * 5000, -1, 10 ** 12, 1.5,
              "1.5", [], {}, ["x"], True, {"a": 1})


def _leaves(value, path=()):
    """Every path into a valid input: objects' keys and list rows, down to the values."""
    yield path
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, (*path, key))
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            yield from _leaves(inner, (*path, n))


def _put(data, path, value, delete=False):
    data = __import__("copy").deepcopy(data)
    target = data
    for part in path[:-1]:
        target = target[part]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


def _problems(model: type[BaseModel], data) -> list[dict]:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return exc.errors()
    return []


def _every_error(form: str) -> list[dict]:
    """Each error pydantic gives for this form's model with a bad value anywhere, a field left out, or one added."""
    model, valid = VALID[form]
    assert _problems(model, valid) == [], "the base input must be valid"
    found = []
    for path in _leaves(valid):
        if not path:
            found += _problems(model, "not an object")
            continue
        for bad in BAD_VALUES:
            found += _problems(model, _put(valid, path, bad))
        if isinstance(path[-1], str):
            found += _problems(model, _put(valid, path, None, delete=True))
        parent = valid
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, dict):
            found += _problems(model, _put(valid, (*path[:-1], "unexpected"), "x"))
    return found


def _raised_by_the_use_cases() -> set[str]:
    """The error types the use cases name themselves (``"type": "..."`` in their refusals)."""
    source = Path(schemas.__file__).parent
    return {m for file in source.rglob("*.py") for m in re.findall(r'"type": "(\w+)"', file.read_text())}


@pytest.mark.parametrize("form", sorted(VALID))
def test_every_error_type_a_form_can_meet_is_a_sentence_in_each_language_naming_the_field(form):
    errors = _every_error(form)
    kinds = {e["type"] for e in errors}
    assert "extra_forbidden" in kinds and len(kinds) > 3  # the search reached the fields
    unsaid = kinds - set(fields.SENTENCES)
    assert not unsaid, f"no sentence for {sorted(unsaid)} in the {form} form"
    for error in errors:
        # as it reaches the console (schemas.parse names a problem with the whole input by the model)
        params = IncidentRefusal("invalid_input", problem_params(error, VALID[form][0].__name__)).params
        ja, en = (fields.sentence(form, params, lang) for lang in ("ja", "en"))
        assert "{" not in ja + en and "?" not in ja, (error, ja)  # every placeholder filled
        assert not CJK.search(en) and not ENGLISH_WORD.search(ja.split("』")[-1]), (error, ja, en)
        assert "『" in ja and "“" in en  # the field, by its label


def test_the_error_types_the_use_cases_raise_themselves_are_said_too():
    assert _raised_by_the_use_cases() >= {"datetime_past", "literal_error", "missing"}
    assert _raised_by_the_use_cases() - set(fields.SENTENCES) == set()


def _model_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every field of a model as a form table keys it (``data.*.present``)."""
    out = []
    for name, info in model.model_fields.items():
        path = prefix + name
        out.append(path)
        inner = [a for a in typing.get_args(info.annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            inner = [info.annotation]
        is_list = typing.get_origin(info.annotation) is list
        for sub in inner:
            out += _model_paths(sub, path + (".*." if is_list else "."))
    return out


@pytest.mark.parametrize("form", sorted(VALID))
def test_every_field_of_a_form_has_its_label_in_both_languages(form):
    table = fields.FORMS[form]
    missing = [p for p in _model_paths(VALID[form][0]) if p not in table and not p.startswith("forgotten")]
    assert missing == []
    assert all(CJK.search(s.ja) for s in table.values())


def test_a_row_field_is_named_by_its_row_and_its_columns_label():
    params = {"field": "data.0.present", "type": "literal_error", "expected": "'yes', 'no' or 'unknown'"}
    assert fields.sentence("report", params, "ja") == "データの項目 1 行目の『含まれていたか』を選んでください"
    assert fields.sentence("report", params, "en") == "Choose “On it?” in row 1 of the data items."
    assert fields.sentence("report", params, "ja", row=3).startswith("データの項目 3 行目")  # as the form numbers it
    at = {"field": "at", "type": "datetime_type"}
    assert fields.sentence("timeline", at, "ja") == "『日時』に日付と時刻を入力してください"
    assert fields.sentence("timeline", at, "en") == "Fill in “When” with a date and time."


def test_a_problem_the_use_case_words_itself_is_shown_with_the_fields_label():
    params = {"field": "username", "problem": "already taken", "problem_ja": "すでに使われています"}
    assert fields.sentence("user", params, "ja") == "『ユーザー名』：すでに使われています"
    assert fields.sentence("user", params, "en") == "“Username”: already taken"


SAMPLES: dict[str, dict] = {
    "checked_out": {"kiosk": "kiosk-3F"}, "not_returned": {}, "opened_possible_loss": {},
    "loss_reported": {"description": "出張先で紛失", "from_ledger": False},
    "recovered": {"kiosk": "kiosk-3F", "returned_by": "佐藤 花子"}, "marked_lost": {"because": "盗難届"},
    "last_seen": {"circumstances": "網棚に置いた"}, "told": {"who": "課長", "how": "電話"},
    "report_submitted": {"version": 2, "changed": ["movements", "data"]},
    "facts_changed": {"facts": {"improper_purpose_suspected": True, "gdpr_high_risk": None,
                                "aware_at": "2026-11-30T08:00:00+00:00"}},
    "duty_done": {"duty": "appi_ppc_preliminary", "note": "受付番号 123"},
    "duties_recomputed": {"changes": [{"duty": "gdpr_authority", "required": True, "due_at": "2026-12-03T09:00:00+00:00"},
                                      {"duty": "appi_ppc_final", "required": False, "due_at": None}]},
    "review_recorded": {"causes": [{"category": "workload", "text": "月末の繁忙"}]},
    "action_added": {"description": "鞄の指定", "owner": "総務部", "due_on": "2026-12-20"},
    "action_status": {"description": "鞄の指定", "status": "in_progress"}, "measure_recorded": {"kind": "reprimand"},
    "closed_with_open_actions": {"count": 1, "reason": "年度計画で追跡"}, "closed": {"resolution": "no_leak", "reason": "回収"},
}


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, dict)):
        for inner in value.values() if isinstance(value, dict) else value:
            yield from _strings(inner)


def test_every_timeline_entry_reads_in_one_language_with_times_in_the_zone_shown():
    assert set(SAMPLES) == set(timeline.ENTRIES)  # a new entry needs a sample here
    for code, params in SAMPLES.items():
        ja, en = (timeline.render(code, params, "", lang, TOKYO) for lang in ("ja", "en"))
        typed = "".join(_strings(params))  # what a person typed stays as typed
        names = ("JST", "kiosk", "GDPR")  # the zone, a kiosk's id, a law's name
        assert not ENGLISH_WORD.search(re.sub("|".join(names), "", ja)), (code, ja)
        assert not CJK.search("".join(ch for ch in en if ch not in typed)), (code, en)
    recomputed = timeline.render("duties_recomputed", SAMPLES["duties_recomputed"], "", "ja", TOKYO)
    assert recomputed == "法的義務を再判定：監督機関への通知 — 要（期限 2026-12-03 18:00 JST）；個人情報保護委員会への確報 — 不要"
    assert timeline.render("facts_changed", SAMPLES["facts_changed"], "", "en", TOKYO).endswith(
        "When the company became aware: 2026-11-30 17:00 JST")


def test_an_entry_written_before_the_codes_keeps_its_text_and_a_typed_one_stays_as_typed():
    assert timeline.render(None, None, "紛失の届出 / loss reported", "en", TOKYO) == "loss reported"
    assert timeline.render(None, None, "駅員に紛失届を提出 / 19時", "ja", TOKYO) == "駅員に紛失届を提出"
    assert timeline.render(None, None, "カフェで作業", "en", TOKYO) == "カフェで作業"


def test_a_pair_is_said_in_one_language_whatever_way_it_was_stored():
    said = Said("暗号化なし", "Not encrypted")
    assert texts.say(said, "en") == texts.say(said.as_dict(), "en") == texts.say("暗号化なし / Not encrypted", "en") \
        == "Not encrypted"
    assert texts.say({"ja": "暗号化なし", "en": "Not encrypted"}, "ja") == "暗号化なし"


def test_titles_times_lists_and_codes_in_one_language():
    laptop = {"kind": "laptop", "tag": "LT-0002"}
    assert texts.title("possible_loss", laptop, "ja") == "ノートPC LT-0002 の紛失の疑い"
    assert texts.title("possible_loss", laptop, "en") == "Possible loss of laptop LT-0002"
    assert texts.title("reported", {"kind": "usb_storage", "model_number": "RUF3"}, "en") == "Reported loss of USB stick RUF3"
    assert texts.when(datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc), TOKYO) == "2026-12-03 18:00 JST"
    assert texts.join(["name", "e-mail address"], "en") == "name, e-mail address"
    assert texts.join(["氏名", "メールアドレス"], "ja") == "氏名、メールアドレス"
    assert texts.label("incident_opened_manager", "ja") == "インシデント起票（管理者あて）" and texts.label("sent", "en") == "sent"
    assert texts.label("something_new", "ja") == "something_new"  # an unknown code is shown, never dropped
    assert texts.title("reported", {"kind": "usb_storage", "description": "私物のUSBメモリ"}, "ja") == "台帳外のUSBメモリの紛失届"
