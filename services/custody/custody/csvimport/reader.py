"""Reading a ledger CSV: all rows or none, every bad row named by line and column.

Files may be UTF-8 (with or without BOM) or Shift_JIS/CP932 (Japanese Excel's "CSV"), separated by
commas, tabs or semicolons. Line 1 is the header; column names are matched case-insensitively. Every
row is checked and every problem is reported together in an ``ImportFileError``. Empty optional
cells take the schema's default; blank lines are skipped.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from typing import IO, Any, Callable, TypeVar

from pydantic import BaseModel, ValidationError

Source = str | os.PathLike[str] | IO[str] | IO[bytes]
ModelT = TypeVar("ModelT", bound=BaseModel)
Row = dict[str, str]  # column or field name -> stripped cell
Mapper = Callable[[Row], tuple[Row, dict[str, str]]]  # row -> (fields, column each came from)
Converters = dict[str, Callable[[str], Any]]  # field -> cell text to the value the schema validates


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


def read_table(source: Source) -> tuple[dict[str, str], list[tuple[int, Row]], list[RowError]]:
    """The header (lower-cased name -> name as written), the non-blank rows by line, and the problems so far."""
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


def missing(header: dict[str, str], names: tuple[str, ...]) -> list[RowError]:
    return [RowError(1, name, "required column is missing") for name in names if name.casefold() not in header]


def required(schema: type[BaseModel]) -> frozenset[str]:
    """The fields without a default: their column must be there and their cells not empty."""
    return frozenset(name for name, field in schema.model_fields.items() if field.is_required())


def validate_rows(schema: type[ModelT], rows: list[tuple[int, Row]], mapper: Mapper, converters: Converters,
                  key_field: str, normalise_key: Callable[[str], str], errors: list[RowError]) -> list[tuple[int, ModelT]]:
    """Each row as a validated model with its line, unless any row (or the header) has a problem:
    then ImportFileError with all of them. ``key_field`` must be unique in the file."""
    needed = required(schema)
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
        model = _validate_row(schema, line, raw, column_of, needed, converters, errors)
        if model is not None:
            models.append((line, model))
    if errors:
        raise ImportFileError(errors)
    return models


def _validate_row(schema: type[ModelT], line: int, raw: Row, column_of: dict[str, str],
                  needed: frozenset[str], converters: Converters, errors: list[RowError]) -> ModelT | None:
    data: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for field, value in raw.items():
        if not value:
            if field in needed:
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
