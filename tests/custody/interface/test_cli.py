"""The `custody` command as ops use it: import, labels, audit verification, card binding."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contracts.cards import card_hash
from contracts.labels import verify_payload
from custody.models import Asset, AuditEntry, Employee
from tests.conftest import LABEL_SECRET

DEMO = Path(__file__).resolve().parents[3] / "deploy" / "demo"


@pytest.fixture
def custody_cli(db_url):
    env = os.environ | {"CUSTODY_DB_URL": db_url, "CUSTODY_LABEL_SECRET": LABEL_SECRET,
                        "CUSTODY_CARD_KEY": "kiosk-card-key-for-tests"}

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "custody.cli", *args], input=stdin, env=env,
                              capture_output=True, text=True, timeout=60)
    return run


def count(engine, model) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_import_demo_ledger_then_every_asset_is_there(custody_cli, engine):
    assert custody_cli("import", "employees", str(DEMO / "employees.csv")).returncode == 0
    done = custody_cli("import", "assets", str(DEMO / "assets.csv"))
    assert done.returncode == 0 and "imported 5 assets" in done.stdout
    with Session(engine) as s:
        laptop = s.scalar(select(Asset).where(Asset.tag == "LT-0001"))
        sato = s.scalar(select(Employee).where(Employee.employee_number == "E001"))
        assert laptop.serial_number == "SN-778812" and laptop.approx_persons == 1200
        assert sato.manager.name == "田中 一郎"


def test_import_of_a_file_with_errors_names_each_line_and_imports_nothing(custody_cli, engine, tmp_path):
    bad = tmp_path / "assets.csv"
    bad.write_text("tag,kind,model_number,serial_number\n"
                   "LT-1,laptop,M1,S1\n"
                   "LT-2,toaster,M2,S2\n"
                   "LT-3,laptop,,S3\n", encoding="utf-8")
    result = custody_cli("import", "assets", str(bad))
    assert result.returncode == 1
    assert "line 3, column 'kind'" in result.stderr and "line 4, column 'model_number'" in result.stderr
    assert "nothing was imported" in result.stderr
    assert count(engine, Asset) == 0


def test_import_refuses_tags_already_in_the_ledger(custody_cli, engine):
    custody_cli("import", "assets", str(DEMO / "assets.csv"))
    again = custody_cli("import", "assets", str(DEMO / "assets.csv"))
    assert again.returncode == 1 and "line 2, column 'tag': 'LT-0001' is already in the ledger" in again.stderr
    assert count(engine, Asset) == 5


def test_label_sheet_decodes_to_signed_payloads(custody_cli, tmp_path):
    custody_cli("import", "assets", str(DEMO / "assets.csv"))
    result = custody_cli("labels", str(tmp_path / "labels.png"), "--tag", "LT-0001", "--tag", "usb-0001")
    assert result.returncode == 0, result.stderr
    decoded = {b.text for b in zxingcpp.read_barcodes(Image.open(tmp_path / "labels.png"))}
    assert {verify_payload(p, LABEL_SECRET.encode()) for p in decoded} == {"LT-0001", "USB-0001"}
    pdf = custody_cli("labels", str(tmp_path / "labels.pdf"))
    assert pdf.returncode == 0 and (tmp_path / "labels.pdf").read_bytes().startswith(b"%PDF")
    missing = custody_cli("labels", str(tmp_path / "x.png"), "--tag", "NOPE-1")
    assert missing.returncode == 1 and "NOPE-1" in missing.stderr


def test_audit_verify_names_the_first_tampered_entry(custody_cli, tamper):
    custody_cli("import", "assets", str(DEMO / "assets.csv"))
    assert custody_cli("audit-verify").returncode == 0
    tamper("UPDATE audit_log SET actor = 'nobody' WHERE seq = 3")  # history edited in the database
    result = custody_cli("audit-verify")
    assert result.returncode == 1 and "BROKEN at entry 3" in result.stderr


def test_audit_verify_notices_deleted_last_entries(custody_cli, tamper):
    custody_cli("import", "assets", str(DEMO / "assets.csv"))
    tamper("DELETE FROM audit_log WHERE seq = 5")
    result = custody_cli("audit-verify")
    assert result.returncode == 1 and "BROKEN at entry 5" in result.stderr


def test_bind_card_stores_only_the_keyed_hash(custody_cli, engine):
    custody_cli("import", "employees", str(DEMO / "employees.csv"))
    result = custody_cli("bind-card", "E001", stdin="01 2E 4C 7A 9B 11 22 33\n")
    assert result.returncode == 0, result.stderr
    with Session(engine) as s:
        stored = s.scalar(select(Employee.card_hash).where(Employee.employee_number == "E001"))
        assert stored == card_hash("012E4C7A9B112233", b"kiosk-card-key-for-tests")
        details = " ".join(str(d) for d in s.scalars(select(AuditEntry.details)))
    assert "012E4C7A9B112233" not in details.upper().replace(" ", "") and stored not in details
