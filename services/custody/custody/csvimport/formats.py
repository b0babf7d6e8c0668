"""The two asset formats (ours and Snipe-IT's export) and the employee format: columns and cell readers.

Our columns are the input schemas' fields (custody.schemas), so a field added there is a column here.
"""
from __future__ import annotations

from functools import partial

from pydantic import BaseModel

from custody.csvimport import cells
from custody.csvimport.reader import Converters, Mapper, Row, RowError, missing, required
from custody.schemas import AssetInput, EmployeeInput

ASSET_COLUMNS = tuple(AssetInput.model_fields)
EMPLOYEE_COLUMNS = tuple(EmployeeInput.model_fields)

ASSET_CONVERTERS: Converters = {
    "kind": str.lower, "encryption": str.lower,
    "data_categories": lambda value: [item.lower() for item in cells.split(value, "[|;]")],
    "customer_ids": lambda value: cells.split(value, "[|]"), "approx_persons": cells.count,
    **dict.fromkeys(("eu_data_subjects", "key_stored_separately", "remote_wipe", "password_lock"), cells.yes_no),
}
EMPLOYEE_CONVERTERS: Converters = {
    "active": cells.yes_no, "language": str.lower, "training_completed_at": cells.moment,
    # only the format here: the importer checks the manager is in the file or the ledger
    "manager_number": cells.employee_number,
}

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


def is_snipe_it(header: dict[str, str]) -> bool:
    return "asset tag" in header


def own_format(header: dict[str, str], schema: type[BaseModel]) -> tuple[Mapper, list[RowError]]:
    """Our format: exactly the schema's fields as columns; an unknown column is an error (a misspelt
    header must not silently drop data)."""
    known, needed = tuple(schema.model_fields), required(schema)
    errors = missing(header, tuple(name for name in known if name in needed))
    errors += [RowError(1, name, f"unknown column; the columns are: {', '.join(known)}")
               for key, name in header.items() if key not in known]
    column_of = {field: header[field] for field in known if field in header}
    return (lambda row: ({field: row.get(field, "") for field in column_of}, column_of)), errors


def snipe_it_format(header: dict[str, str]) -> tuple[Mapper, list[RowError]]:
    """A Snipe-IT asset export: its own headers mapped to our fields; other columns are ignored."""
    errors = missing(header, SNIPE_REQUIRED)
    if "model no." not in header and "model" not in header:
        errors.append(RowError(1, "Model No.", "required column is missing"))
    return partial(_snipe_asset, header=header), errors


def _snipe_asset(row: Row, header: dict[str, str]) -> tuple[Row, dict[str, str]]:
    raw: Row = {}
    column_of: dict[str, str] = {}
    for field, names in SNIPE_FIELDS.items():
        present = [name.casefold() for name in names if name.casefold() in header]
        if present:
            # Snipe-IT often leaves Model No. empty, so fall back to the next header with a value.
            key = next((key for key in present if row.get(key)), present[0])
            raw[field], column_of[field] = row.get(key, ""), header[key]
    if raw.get("kind"):
        raw["kind"] = SNIPE_KINDS.get(" ".join(raw["kind"].casefold().split()), "other")
    if "model" in header or "manufacturer" in header:
        raw["description"] = " ".join(filter(None, (row.get("manufacturer"), row.get("model"))))
        column_of["description"] = header.get("model") or header["manufacturer"]
    return raw, column_of
