"""Read a whole asset or employee ledger from CSV and validate it, without touching the database.

Files may be UTF-8 (with or without BOM) or Shift_JIS/CP932 (Japanese Excel's "CSV"),
separated by commas, tabs or semicolons. Line 1 is the header; column names are matched
case-insensitively. Every row is checked and every problem is reported together with its
line and column in an ``ImportFileError``, so a file is imported completely or not at all.
Empty optional cells take the default shown; blank lines are skipped; in our own formats a
column not listed below is an error, so a misspelt header cannot silently drop data.

Asset columns (our format):

- ``tag`` (required): 1-32 of A-Z, 0-9 and ``-``; lower case is upper-cased; unique in the file
- ``kind`` (required): laptop, smartphone, tablet, usb_storage or other
- ``model_number`` (required), ``serial_number`` (required)
- ``colour``, ``description``, ``department``, ``home_cabinet``: free text, default empty
- ``data_categories``: separated by ``|`` or ``;``, e.g. ``name|email|phone``; each one of name,
  email, phone, address, birth_date, credit_card, bank_account, health, sensitive, my_number,
  login_credentials, other
- ``customer_ids``: separated by ``|``
- ``approx_persons``: whole number of people whose data is on the device, default 0
- ``eu_data_subjects``: yes/no, default no
- ``encryption``: none, full_disk or file_level, default none
- ``cipher``: free text, e.g. ``AES-256``
- ``key_stored_separately``, ``remote_wipe``, ``password_lock``: yes/no, default no

Yes/no cells accept true/false, yes/no, 1/0 and はい/いいえ.

Snipe-IT asset exports (recognised by an "Asset Tag" column) are read as: Asset Tag -> tag,
Category -> kind (laptop/notebook/ノートPC -> laptop, mobile phone/smartphone/phone/スマートフォン
-> smartphone, tablet -> tablet, usb/usb stick/usb drive/usb memory/usb storage/USBメモリ ->
usb_storage, any other category -> other), Model No. -> model_number (the Model name when
Model No. is empty), Serial -> serial_number, Manufacturer + Model -> description,
Department -> department, Default Location (else Location) -> home_cabinet. Custom fields named
Data Categories, Customer IDs, Approx Persons, EU Data Subjects, Encryption, Cipher,
Key Stored Separately, Remote Wipe, Password Lock and Colour (or Color) are read like the columns
above; every other Snipe-IT column is ignored.

Employee columns:

- ``employee_number`` (required): 1-32 of A-Z, a-z, 0-9, ``_`` and ``-``; unique in the file
- ``name`` (required), ``email`` (required)
- ``department``: free text, default empty
- ``manager_number``: the manager's employee number, default none; only its format is checked
  here, the importer checks that the manager is in the file or already in the ledger
- ``training_completed_at``: ``2026-04-01`` (midnight Japan time) or ``2026-04-01T09:30`` (Japan
  time unless an offset is given); Excel's ``2026/4/1`` and ``2026/4/1 9:30`` are accepted too
- ``active``: yes/no, default yes
- ``language``: ja or en, default ja
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import IO, Any, Callable, TypeVar

from pydantic import BaseModel, ValidationError

from custody.schemas import AssetInput, EmployeeInput

Source = str | os.PathLike[str] | IO[str] | IO[bytes]
ModelT = TypeVar("ModelT", bound=BaseModel)
Converter = Callable[[str], Any]
Row = dict[str, str]  # column or field name -> stripped cell
Mapper = Callable[[Row], tuple[Row, dict[str, str]]]  # row -> (fields, column each came from)

JST = timezone(timedelta(hours=9), "JST")  # no daylight saving in Japan, so a fixed offset is exact

ASSET_COLUMNS = (
    "tag", "kind", "model_number", "serial_number", "colour", "description", "department",
    "home_cabinet", "data_categories", "customer_ids", "approx_persons", "eu_data_subjects",
    "encryption", "cipher", "key_stored_separately", "remote_wipe", "password_lock",
)
ASSET_REQUIRED = frozenset({"tag", "kind", "model_number", "serial_number"})
EMPLOYEE_COLUMNS = (
    "employee_number", "name", "email", "department", "manager_number",
    "training_completed_at", "active", "language",
)
EMPLOYEE_REQUIRED = frozenset({"employee_number", "name", "email"})

SNIPE_REQUIRED = ("Asset Tag", "Category", "Serial")
SNIPE_FIELDS = {  # our field -> Snipe-IT headers, preferred first
    "tag": ("Asset Tag",), "kind": ("Category",), "serial_number": ("Serial",),
    "model_number": ("Model No.", "Model"), "department": ("Department",),
    # Default Location is the asset's home; Location follows it to whoever has it checked out.
    "home_cabinet": ("Default Location", "Location"),
    "data_categories": ("Data Categories",), "customer_ids": ("Customer IDs",),
    "approx_persons": ("Approx Persons",), "eu_data_subjects": ("EU Data Subjects",),
    "encryption": ("Encryption",), "cipher": ("Cipher",),
    "key_stored_separately": ("Key Stored Separately",), "remote_wipe": ("Remote Wipe",),
    "password_lock": ("Password Lock",), "colour": ("Colour", "Color"),
}
SNIPE_KINDS = {
    **dict.fromkeys(("laptop", "laptops", "notebook", "notebooks", "ノートpc"), "laptop"),
    **dict.fromkeys(("mobile phone", "mobile phones", "smartphone", "smartphones", "phone",
                     "phones", "スマートフォン"), "smartphone"),
    **dict.fromkeys(("tablet", "tablets"), "tablet"),
    **dict.fromkeys(("usb", "usb stick", "usb sticks", "usb drive", "usb drives", "usb memory",
                     "usb storage", "usbメモリ"), "usb_storage"),
}

_TRUE = frozenset({"true", "yes", "1", "はい"})
_FALSE = frozenset({"false", "no", "0", "いいえ"})
_EMPLOYEE_NUMBER = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_EXCEL_MOMENTS = ("%Y/%m/%d", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    problem: str

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column!r}" if self.column else f"line {self.line}"
        return f"{where}: {self.problem}"


class ImportFileError(Exception):
    """The file has problems (all listed in ``errors``), so none of it may be imported."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda error: error.line)
        super().__init__("\n".join(str(error) for error in self.errors))


def read_assets(source: Source) -> list[AssetInput]:
    """Validate an asset CSV (our format or a Snipe-IT export) or raise ImportFileError."""
    return [model for _, model in read_assets_with_lines(source)]


def read_employees(source: Source) -> list[EmployeeInput]:
    """Validate an employee CSV or raise ImportFileError; the caller must check managers exist."""
    return [model for _, model in read_employees_with_lines(source)]


def read_assets_with_lines(source: Source) -> list[tuple[int, AssetInput]]:
    """Like read_assets, each asset with the line it came from (for errors found later)."""
    columns, rows, errors = _read_table(source)
    mapper: Mapper
    if "asset tag" in columns:
        errors += _missing(columns, SNIPE_REQUIRED)
        if "model no." not in columns and "model" not in columns:
            errors.append(RowError(1, "Model No.", "required column is missing"))
        mapper = partial(_snipe_asset, columns=columns)
    else:
        errors += _check_own_header(columns, ASSET_COLUMNS, ASSET_REQUIRED)
        mapper = _own_mapper(columns, ASSET_COLUMNS)
    converters: dict[str, Converter] = {
        "kind": str.lower, "encryption": str.lower,
        "data_categories": lambda value: [item.lower() for item in _split(value, "[|;]")],
        "customer_ids": lambda value: _split(value, "[|]"), "approx_persons": _count,
        **dict.fromkeys(("eu_data_subjects", "key_stored_separately", "remote_wipe",
                         "password_lock"), _yes_no),
    }
    # Tags are upper-cased by the schema, so "lt-1" and "LT-1" are the same asset.
    return _validate_rows(AssetInput, rows, mapper, "tag", str.upper, ASSET_REQUIRED,
                          converters, errors)


def read_employees_with_lines(source: Source) -> list[tuple[int, EmployeeInput]]:
    """Like read_employees, each employee with the line it came from."""
    columns, rows, errors = _read_table(source)
    errors += _check_own_header(columns, EMPLOYEE_COLUMNS, EMPLOYEE_REQUIRED)
    converters: dict[str, Converter] = {
        "active": _yes_no, "language": str.lower, "training_completed_at": _when,
        "manager_number": _manager_number,
    }
    return _validate_rows(EmployeeInput, rows, _own_mapper(columns, EMPLOYEE_COLUMNS),
                          "employee_number", str, EMPLOYEE_REQUIRED, converters, errors)


def _read_table(source: Source) -> tuple[dict[str, str], list[tuple[int, Row]], list[RowError]]:
    text = _read_text(source)
    if not text.strip():
        raise ImportFileError([RowError(1, "", "the file is empty")])
    try:
        delimiter = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = ","  # a one-column header has no delimiter to find
    # strict: an unclosed quote would otherwise silently swallow every row after it
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except csv.Error as exc:
        raise ImportFileError([RowError(1, "", f"the header is not valid CSV: {exc}")]) from None
    keys = [name.casefold() for name in header]
    columns: dict[str, str] = {}
    errors: list[RowError] = []
    for name, key in zip(header, keys):
        if key in columns:
            errors.append(RowError(1, name, "the column appears more than once"))
        elif key:  # Excel often leaves unnamed columns at the right; cells under them are ignored
            columns[key] = name
    rows: list[tuple[int, Row]] = []
    end = reader.line_num
    while True:
        # line_num is where a record ends; a quoted cell may span lines, so start after the last.
        line = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(line, "", f"not valid CSV from here on: {exc}"))
            return columns, rows, errors
        end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines and rows of empty cells that spreadsheets leave behind
        if any(cell.strip() for cell in cells[len(keys):]):
            errors.append(RowError(line, "", f"the row has {len(cells)} cells "
                                              f"but the header has {len(keys)}"))
        rows.append((line, {key: cell.strip() for key, cell in zip(keys, cells) if key}))
    if not rows:
        errors.append(RowError(1, "", "the file has a header but no data rows"))
    return columns, rows, errors


def _read_text(source: Source) -> str:
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as file:
            data: str | bytes = file.read()
    else:
        data = source.read()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:  # Japanese Excel saves CSV as Shift_JIS; cp932 is Windows' superset of it
                data = data.decode("cp932")
            except UnicodeDecodeError as exc:
                line = data.count(b"\n", 0, exc.start) + 1
                raise ImportFileError([RowError(line, "", "the file is neither UTF-8 "
                                                          "nor Shift_JIS text")]) from None
    return data.removeprefix("\ufeff")  # a text stream opened as plain utf-8 keeps the BOM


def _missing(columns: dict[str, str], required: tuple[str, ...]) -> list[RowError]:
    return [RowError(1, name, "required column is missing")
            for name in required if name.casefold() not in columns]


def _check_own_header(columns: dict[str, str], known: tuple[str, ...],
                      required: frozenset[str]) -> list[RowError]:
    errors = _missing(columns, tuple(name for name in known if name in required))
    errors += [RowError(1, name, f"unknown column; the columns are: {', '.join(known)}")
               for key, name in columns.items() if key not in known]
    return errors


def _own_mapper(columns: dict[str, str],
                known: tuple[str, ...]) -> Mapper:
    column_of = {field: columns[field] for field in known if field in columns}
    return lambda row: ({field: row.get(field, "") for field in column_of}, column_of)


def _snipe_asset(row: Row, columns: dict[str, str]) -> tuple[Row, dict[str, str]]:
    raw: Row = {}
    column_of: dict[str, str] = {}
    for field, headers in SNIPE_FIELDS.items():
        present = [header.casefold() for header in headers if header.casefold() in columns]
        if present:
            # Snipe-IT often leaves Model No. empty, so fall back to the next header with a value.
            key = next((key for key in present if row.get(key)), present[0])
            raw[field], column_of[field] = row.get(key, ""), columns[key]
    if raw.get("kind"):
        raw["kind"] = SNIPE_KINDS.get(" ".join(raw["kind"].casefold().split()), "other")
    if "model" in columns or "manufacturer" in columns:
        raw["description"] = " ".join(filter(None, (row.get("manufacturer"), row.get("model"))))
        column_of["description"] = columns.get("model") or columns["manufacturer"]
    return raw, column_of


def _validate_rows(schema: type[ModelT], rows: list[tuple[int, Row]],
                   mapper: Mapper, key_field: str,
                   normalise_key: Callable[[str], str], required: frozenset[str],
                   converters: dict[str, Converter], errors: list[RowError]) -> list[tuple[int, ModelT]]:
    models: list[tuple[int, ModelT]] = []
    first_seen: dict[str, int] = {}
    for line, row in rows:
        raw, column_of = mapper(row)
        key = normalise_key(raw.get(key_field, ""))
        if key in first_seen:
            errors.append(RowError(line, column_of[key_field],
                                   f"{key!r} already appears on line {first_seen[key]}"))
        elif key:
            first_seen[key] = line
        model = _validate_row(schema, line, raw, column_of, required, converters, errors)
        if model is not None:
            models.append((line, model))
    if errors:
        raise ImportFileError(errors)
    return models


def _validate_row(schema: type[ModelT], line: int, raw: Row, column_of: dict[str, str],
                  required: frozenset[str], converters: dict[str, Converter],
                  errors: list[RowError]) -> ModelT | None:
    data: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for field, value in raw.items():
        if not value:
            if field in required:
                problems[field] = "must not be empty"
            continue  # empty optional cells take the schema default
        try:
            data[field] = converters.get(field, str)(value)
        except ValueError as exc:
            problems[field] = str(exc)
    errors += [RowError(line, column_of[field], problem) for field, problem in problems.items()]
    try:
        model = schema.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            # Skip fields reported above, and those whose column is missing (reported on line 1).
            if field in problems or (field and field not in column_of):
                continue
            errors.append(RowError(line, column_of.get(field, ""), _message(error)))
        return None
    return None if problems else model


def _message(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "literal_error":  # the allowed values alone don't say which item was wrong
        message += f", got {error['input']!r}"
    return message


def _split(value: str, separators: str) -> list[str]:
    return [item.strip() for item in re.split(separators, value) if item.strip()]


def _yes_no(value: str) -> bool:
    word = value.casefold()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise ValueError(f"not a yes/no value: {value!r}")


def _count(value: str) -> int:
    try:  # Excel may format 1200 as "1,200"
        return int(value.replace(",", ""))
    except ValueError:
        raise ValueError(f"not a whole number: {value!r}") from None


def _when(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = _excel_moment(value)
    # A spreadsheet cell has no time zone; the ledger is kept in Japan time.
    return moment if moment.tzinfo else moment.replace(tzinfo=JST)


def _excel_moment(value: str) -> datetime:
    for pattern in _EXCEL_MOMENTS:  # Japanese Excel rewrites dates as 2026/4/1 when it saves
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            pass
    raise ValueError(f"not an ISO date or date-time: {value!r}")


def _manager_number(value: str) -> str:
    if not _EMPLOYEE_NUMBER.match(value):
        raise ValueError(f"not a valid employee number: {value!r}")
    return value
