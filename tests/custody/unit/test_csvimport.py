"""CSV import: whole-file parsing and validation, no database."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from custody.csvimport import ImportFileError, RowError, read_assets, read_employees

TOKYO = timezone(timedelta(hours=9))

ASSET_HEADER = ("tag,kind,model_number,serial_number,colour,description,department,home_cabinet,"
                "data_categories,customer_ids,approx_persons,eu_data_subjects,encryption,cipher,"
                "key_stored_separately,remote_wipe,password_lock\n")

SNIPE_HEADER = ('"Company","Name","Asset Tag","Model","Model No.","Category","Manufacturer",'
                '"Serial","Purchased","Cost","Order Number","Supplier","Checked Out","Location",'
                '"Default Location","Department","Status","Notes","Encryption","Remote Wipe",'
                '"Data Categories","Approx Persons"\n')


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(path: Path, reader=read_assets) -> list[RowError]:
    with pytest.raises(ImportFileError) as caught:
        reader(path)
    return caught.value.errors


def test_own_format_assets_are_parsed_with_lists_booleans_and_defaults(tmp_path):
    path = write(tmp_path, ASSET_HEADER
                 + "lt-001,Laptop,20XW,PF1ABC,silver,ThinkPad X1,Sales,Cabinet A,"
                   "name|email;phone,C-1|C-2,\"1,200\",はい,full_disk,AES-256,yes,1,TRUE\n"
                 + "USB-7,usb_storage,DT50,SN-77,,,,,,,,,,,,,\n")

    first, second = read_assets(path)

    assert first.tag == "LT-001"
    assert first.kind == "laptop"
    assert first.data_categories == ["name", "email", "phone"]
    assert first.customer_ids == ["C-1", "C-2"]
    assert first.approx_persons == 1200
    assert first.eu_data_subjects and first.key_stored_separately
    assert first.remote_wipe and first.password_lock
    assert (first.encryption, first.cipher) == ("full_disk", "AES-256")
    assert first.home_cabinet == "Cabinet A"
    assert second.tag == "USB-7"
    assert (second.colour, second.data_categories, second.approx_persons) == ("", [], 0)
    assert second.encryption == "none"
    assert not (second.eu_data_subjects or second.remote_wipe)


def test_tab_separated_utf8_file_with_bom_is_accepted(tmp_path):
    path = write(tmp_path, "tag\tkind\tmodel_number\tserial_number\nLT-1\tlaptop\tM1\tS1\n",
                 encoding="utf-8-sig")

    assert [asset.tag for asset in read_assets(path)] == ["LT-1"]


def test_text_stream_is_accepted_as_well_as_a_path():
    stream = io.StringIO("tag,kind,model_number,serial_number\nLT-1,tablet,M1,S1\n")

    assert read_assets(stream)[0].kind == "tablet"


def test_snipe_it_export_is_mapped_and_its_other_columns_ignored(tmp_path):
    path = write(tmp_path, SNIPE_HEADER
                 + '"Acme","yamada-pc","LT-100","MacBook Pro 14","MX2E3J/A","Laptops","Apple",'
                   '"C02XYZ","2024-04-01","298000","PO-1","Apple Store","yamada","Tokyo HQ 3F",'
                   '"Cabinet B","Sales","Deployed","bought for sales","full_disk","Yes",'
                   '"name|email","150"\n'
                 + '"Acme","","PH-7","iPhone 15","","Mobile Phones","Apple","F2LX","","","","",'
                   '"","Osaka","","","Ready to Deploy","","","No","",""\n'
                 + '"Acme","","MON-1","P2422H","P2422H","Monitors","Dell","CN-0","","","","","",'
                   '"Store room","","","Ready to Deploy","","","","",""\n')

    laptop, phone, monitor = read_assets(path)

    assert (laptop.tag, laptop.kind, laptop.model_number, laptop.serial_number) == (
        "LT-100", "laptop", "MX2E3J/A", "C02XYZ")
    assert laptop.description == "Apple MacBook Pro 14"
    assert (laptop.home_cabinet, laptop.department) == ("Cabinet B", "Sales")
    assert (laptop.encryption, laptop.remote_wipe) == ("full_disk", True)
    assert (laptop.data_categories, laptop.approx_persons) == (["name", "email"], 150)
    assert (phone.kind, phone.model_number) == ("smartphone", "iPhone 15")
    assert phone.home_cabinet == "Osaka"
    assert monitor.kind == "other"


def test_snipe_it_row_without_model_or_model_number_is_reported_against_model_no(tmp_path):
    path = write(tmp_path, '"Asset Tag","Model","Model No.","Category","Serial"\n'
                           '"LT-1","","","Laptop","S1"\n')

    assert problems(path) == [RowError(2, "Model No.", "must not be empty")]


def test_every_bad_row_is_reported_with_its_physical_line_and_column(tmp_path):
    path = write(tmp_path, "tag,kind,model_number,serial_number,description,remote_wipe\n"
                           "LT-1,laptop,M1,S1,fine,no\n"
                           'LT-2,laptop,M1,,"spans\ntwo lines",no\n'
                           "LT-3,laptop,M1,S3,,maybe\n"
                           "\n"
                           'LT-4,toaster,M1,S4,"also\nspans\nthree",yes\n'
                           "LT-5,laptop,M1,S5,fine,yes\n")

    with pytest.raises(ImportFileError) as caught:
        read_assets(path)

    assert caught.value.errors == [
        RowError(3, "serial_number", "must not be empty"),
        RowError(5, "remote_wipe", "not a yes/no value: 'maybe'"),
        RowError(7, "kind", "Input should be 'laptop', 'smartphone', 'tablet', 'usb_storage' "
                            "or 'other', got 'toaster'"),
    ]
    assert str(caught.value).splitlines()[0] == "line 3, column 'serial_number': must not be empty"
    assert len(str(caught.value).splitlines()) == 3


def test_duplicate_tag_is_reported_on_the_second_line_naming_the_first(tmp_path):
    path = write(tmp_path, "tag,kind,model_number,serial_number\n"
                           "LT-1,laptop,M1,S1\n"
                           "LT-2,laptop,M1,S2\n"
                           "lt-1,laptop,M1,S3\n")

    assert problems(path) == [RowError(4, "tag", "'LT-1' already appears on line 2")]


def test_missing_required_column_is_reported_on_line_1(tmp_path):
    path = write(tmp_path, "tag,kind,model_number\nLT-1,laptop,M1\n")

    assert problems(path) == [RowError(1, "serial_number", "required column is missing")]


def test_unknown_column_in_own_format_is_reported_on_line_1(tmp_path):
    path = write(tmp_path, "tag,kind,model_number,serial_number,owner\nLT-1,laptop,M1,S1,me\n")

    [error] = problems(path)
    assert (error.line, error.column) == (1, "owner")
    assert error.problem.startswith("unknown column")


def test_empty_file_is_an_error(tmp_path):
    assert problems(write(tmp_path, "")) == [RowError(1, "", "the file is empty")]


def test_header_without_data_rows_is_an_error(tmp_path):
    path = write(tmp_path, "tag,kind,model_number,serial_number\n\n")

    assert problems(path) == [RowError(1, "", "the file has a header but no data rows")]


def test_unclosed_quote_is_an_error_instead_of_swallowing_later_rows(tmp_path):
    path = write(tmp_path, 'tag,kind,model_number,serial_number\n'
                           'LT-1,laptop,"M1,S1\n'
                           'LT-2,laptop,M2,S2\n')

    [error] = problems(path)
    assert error.line == 2


def test_cp932_employee_file_with_japanese_names_is_parsed(tmp_path):
    path = write(tmp_path, "employee_number,name,email,department,manager_number,active,language\n"
                           "E001,山田 太郎,taro.yamada@example.co.jp,営業部,,,\n"
                           "E002,佐藤 花子,hanako.sato@example.co.jp,営業部,E001,いいえ,EN\n",
                 encoding="cp932")

    taro, hanako = read_employees(path)

    assert (taro.name, taro.department, taro.active, taro.language) == ("山田 太郎", "営業部", True, "ja")
    assert taro.manager_number is None
    assert (hanako.name, hanako.manager_number, hanako.active, hanako.language) == (
        "佐藤 花子", "E001", False, "en")


def test_date_only_training_completed_at_is_midnight_in_tokyo(tmp_path):
    path = write(tmp_path, "employee_number,name,email,training_completed_at\n"
                           "E001,Taro,taro@example.com,2026-04-01\n"
                           "E002,Hana,hana@example.com,2026/4/1 9:30\n"
                           "E003,Ken,ken@example.com,2026-04-01T00:00:00Z\n")

    taro, hana, ken = read_employees(path)

    assert taro.training_completed_at == datetime(2026, 4, 1, tzinfo=TOKYO)
    assert taro.training_completed_at.isoformat() == "2026-04-01T00:00:00+09:00"
    assert hana.training_completed_at == datetime(2026, 4, 1, 9, 30, tzinfo=TOKYO)
    assert ken.training_completed_at.utcoffset() == timedelta(0)


def test_bad_employee_rows_are_all_reported(tmp_path):
    path = write(tmp_path, "employee_number,name,email,manager_number,"
                           "training_completed_at,active\n"
                           "E001,Taro,taro@example.com,,,\n"
                           "E002,Hana,not-an-email,boss 1,last spring,maybe\n"
                           "E001,Ken,ken@example.com,,,\n")

    errors = problems(path, read_employees)

    assert [(error.line, error.column) for error in errors] == [
        (3, "manager_number"), (3, "training_completed_at"), (3, "active"), (3, "email"),
        (4, "employee_number"),
    ]
    assert errors[0].problem == "not a valid employee number: 'boss 1'"
    assert errors[-1].problem == "'E001' already appears on line 2"


def documented_columns(title: str) -> tuple[list[str], set[str]]:
    """The columns docs/operations.md lists under a title, in order, and those it marks required."""
    text = (Path(__file__).parents[3] / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text.split(f"{title}\n", 1)[1].strip().split("\n\n", 1)[0]
    names, needed = [], set()
    for bullet in section.split("\n- "):
        named = bullet.removeprefix("- ").split(": ", 1)[0]  # what follows the colon explains the column
        for part in named.split(", "):
            name = part.split("`")[1]
            names.append(name)
            if "(required)" in part:
                needed.add(name)
    return names, needed


@pytest.mark.parametrize("title, schema", [("Asset columns (our format):", "AssetInput"),
                                           ("Employee columns:", "EmployeeInput")])
def test_the_documented_columns_are_the_ones_the_importer_reads(title, schema):
    from custody import schemas
    from custody.csvimport.reader import required
    model = getattr(schemas, schema)
    assert documented_columns(title) == (list(model.model_fields), set(required(model)))
