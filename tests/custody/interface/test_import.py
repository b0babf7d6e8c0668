"""Employee import against the ledger: manager order, missing managers, circles."""
import io
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from custody.csvimport import ImportFileError
from custody.importer import import_employees
from custody.models import Employee

NOW = datetime(2026, 11, 29, tzinfo=timezone.utc)
HEADER = "employee_number,name,email,manager_number\n"


@pytest.fixture
def session(db_url):
    from servicekit.db import make_engine
    engine = make_engine(db_url)
    with Session(engine, expire_on_commit=False) as s:
        yield s
    engine.dispose()


def employees(session) -> dict:
    return {e.employee_number: (e.manager.employee_number if e.manager else None)
            for e in session.scalars(select(Employee))}


def test_manager_listed_after_their_staff_is_imported_first(session):
    text = HEADER + "E1,佐藤,sato@example.com,M1\nM1,田中,tanaka@example.com,\n"
    assert import_employees(session, io.StringIO(text), "test", NOW) == 2
    assert employees(session) == {"E1": "M1", "M1": None}


def test_manager_already_in_the_ledger_is_found(session):
    import_employees(session, io.StringIO(HEADER + "M1,田中,tanaka@example.com,\n"), "test", NOW)
    import_employees(session, io.StringIO(HEADER + "E1,佐藤,sato@example.com,M1\n"), "test", NOW)
    assert employees(session)["E1"] == "M1"


def test_unknown_manager_is_reported_on_its_line_and_nothing_imported(session):
    text = HEADER + "E1,佐藤,sato@example.com,\nE2,伊藤,ito@example.com,M9\n"
    with pytest.raises(ImportFileError) as info:
        import_employees(session, io.StringIO(text), "test", NOW)
    assert [str(e) for e in info.value.errors] == [
        "line 3, column 'manager_number': manager 'M9' is neither in this file nor in the ledger"]
    assert session.scalar(select(func.count()).select_from(Employee)) == 0


def test_managers_in_a_circle_are_reported(session):
    text = HEADER + "A1,A,a@example.com,B1\nB1,B,b@example.com,A1\n"
    with pytest.raises(ImportFileError) as info:
        import_employees(session, io.StringIO(text), "test", NOW)
    assert {e.line for e in info.value.errors} == {2, 3}
    assert all("circle" in e.problem for e in info.value.errors)
