"""Read a whole asset or employee ledger from CSV and validate it, without touching the database.

``formats`` says which columns each format has (ours are the input schemas' fields), ``cells`` how a
spreadsheet's cells read, ``reader`` how a file is read: all rows or none, each problem by line and
column. The columns are documented in docs/operations.md ("CSV columns").
"""
from __future__ import annotations

from custody.csvimport import formats
from custody.csvimport.reader import ImportFileError, RowError, Source, read_table, validate_rows
from custody.schemas import AssetInput, EmployeeInput

__all__ = ["ImportFileError", "RowError", "Source", "read_assets", "read_assets_with_lines", "read_employees",
           "read_employees_with_lines"]


def read_assets(source: Source) -> list[AssetInput]:
    """Validate an asset CSV (our format or a Snipe-IT export) or raise ImportFileError."""
    return [model for _, model in read_assets_with_lines(source)]


def read_employees(source: Source) -> list[EmployeeInput]:
    """Validate an employee CSV or raise ImportFileError; the caller must check managers exist."""
    return [model for _, model in read_employees_with_lines(source)]


def read_assets_with_lines(source: Source) -> list[tuple[int, AssetInput]]:
    """Like read_assets, each asset with the line it came from (for errors found later)."""
    header, rows, errors = read_table(source)
    if formats.is_snipe_it(header):
        mapper, header_errors = formats.snipe_it_format(header)
    else:
        mapper, header_errors = formats.own_format(header, AssetInput)
    # Tags are upper-cased by the schema, so "lt-1" and "LT-1" are the same asset.
    return validate_rows(AssetInput, rows, mapper, formats.ASSET_CONVERTERS, "tag", str.upper,
                         errors + header_errors)


def read_employees_with_lines(source: Source) -> list[tuple[int, EmployeeInput]]:
    """Like read_employees, each employee with the line it came from."""
    header, rows, errors = read_table(source)
    mapper, header_errors = formats.own_format(header, EmployeeInput)
    return validate_rows(EmployeeInput, rows, mapper, formats.EMPLOYEE_CONVERTERS, "employee_number", str,
                         errors + header_errors)
