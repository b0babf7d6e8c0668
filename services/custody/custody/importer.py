"""Import a whole CSV into the ledger in one transaction: every row, or none."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from custody.csvimport import (ImportFileError, RowError, Source, read_assets_with_lines,
                               read_employees_with_lines)
from custody.ledger import add_asset, add_employee
from custody.models import Asset, Employee

Progress = Callable[[int, int], None]


def _existing(session: Session, column, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):  # stay under every backend's bound-parameter limit
        found.update(session.scalars(select(column).where(column.in_(keys[start:start + 500]))))
    return found


def import_assets(session: Session, source: Source, actor: str, now: datetime,
                  progress: Progress = lambda done, total: None) -> int:
    """Validate the file, refuse tags already in the ledger, then add all assets and commit."""
    rows = read_assets_with_lines(source)
    taken = _existing(session, Asset.tag, [m.tag for _, m in rows])
    errors = [RowError(line, "tag", f"{m.tag!r} is already in the ledger") for line, m in rows if m.tag in taken]
    return _add_all(session, rows, errors, add_asset, actor, now, progress)


def import_employees(session: Session, source: Source, actor: str, now: datetime,
                     progress: Progress = lambda done, total: None) -> int:
    """Like import_assets; managers may come later in the file or already be in the ledger."""
    rows = read_employees_with_lines(source)
    numbers = [m.employee_number for _, m in rows]
    known = _existing(session, Employee.employee_number, numbers + [m.manager_number for _, m in rows if m.manager_number])
    in_file = set(numbers)
    errors = [RowError(line, "employee_number", f"{m.employee_number!r} is already in the ledger")
              for line, m in rows if m.employee_number in known]
    errors += [RowError(line, "manager_number", f"manager {m.manager_number!r} is neither in this file nor in the ledger")
               for line, m in rows if m.manager_number and m.manager_number not in in_file | known]
    ordered = _managers_first(rows, errors)
    return _add_all(session, ordered, errors, add_employee, actor, now, progress)


def _add_all(session: Session, rows: list, errors: list[RowError], add, actor: str, now: datetime,
             progress: Progress) -> int:
    """Nothing if there is any error; otherwise every row, in one transaction."""
    if errors:
        raise ImportFileError(errors)
    for done, (_, model) in enumerate(rows, 1):
        add(session, model, actor, now)
        progress(done, len(rows))
    session.commit()
    return len(rows)


def _managers_first(rows: list, errors: list[RowError]) -> list:
    """Order rows so each manager is added before the people reporting to them."""
    pending = {m.employee_number: (line, m) for line, m in rows}
    ordered, placed = [], set()
    while pending:
        ready = [n for n, (_, m) in pending.items() if m.manager_number not in pending or m.manager_number == n]
        if not ready:  # what is left reports to itself in a circle
            errors += [RowError(line, "manager_number", "managers form a circle")
                       for line, _ in sorted(pending.values(), key=lambda r: r[0])]
            return ordered
        for number in ready:
            ordered.append(pending.pop(number))
            placed.add(number)
    return ordered
