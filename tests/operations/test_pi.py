"""The Raspberry Pi deploy (deploy/pi/), without a Pi: the systemd units pass systemd-analyze verify
(in a scratch root laid out as install.sh lays out /opt/kiosk; a unit with a mistake does not pass),
the shell scripts pass shellcheck, and install.sh --dry-run prints every change it would make and makes none."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.operations.tools import ROOT, run, tool

pytestmark = pytest.mark.db_independent

PI = ROOT / "deploy" / "pi"


def scratch_root(tmp_path: Path) -> Path:
    """/etc/systemd and /opt/kiosk as install.sh leaves them, with stand-ins for the programs the units start,
    and this machine's own system units (targets) for the units to be ordered against."""
    root = tmp_path / "root"
    (root / "etc/systemd/system").mkdir(parents=True)
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    for program in ("opt/kiosk/.venv/bin/gunicorn", "opt/kiosk/bin/chromium"):
        (root / program).parent.mkdir(parents=True, exist_ok=True)
        (root / program).write_text("#!/bin/sh\n")
        (root / program).chmod(0o755)
    return root


def verify_system_unit(root: Path, unit: Path) -> subprocess.CompletedProcess:
    shutil.copy(unit, root / "etc/systemd/system" / unit.name)
    return run(tool("systemd-analyze"), "verify", f"--root={root}", "--man=no", "--generators=no", unit.name)


def verify_user_unit(root: Path, unit: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """A user unit cannot be verified under --root: its /opt/kiosk paths point into the scratch root instead."""
    copy = tmp_path / "user" / unit.name
    copy.parent.mkdir(exist_ok=True)
    copy.write_text(unit.read_text().replace("/opt/kiosk/", f"{root}/opt/kiosk/"))
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    return run(tool("systemd-analyze"), "--user", "verify", "--man=no", "--generators=no", copy,
               env={"XDG_RUNTIME_DIR": str(runtime)})


def clean(answer: subprocess.CompletedProcess) -> bool:
    """systemd-analyze exits 0 after a value it could not parse and ignored: a clean unit prints nothing."""
    return answer.returncode == 0 and not answer.stdout.strip() and not answer.stderr.strip()


def test_the_kiosk_units_pass_systemd_analyze_verify(tmp_path):
    root = scratch_root(tmp_path)
    answer = verify_system_unit(root, PI / "kiosk.service")
    assert clean(answer), answer.stdout + answer.stderr
    answer = verify_user_unit(root, PI / "kiosk-browser.service", tmp_path)
    assert clean(answer), answer.stdout + answer.stderr


def test_a_unit_with_a_mistake_does_not_pass(tmp_path):
    root = scratch_root(tmp_path)
    broken = tmp_path / "kiosk.service"
    broken.write_text((PI / "kiosk.service").read_text().replace("Restart=always", "Restart=alwayz"))
    assert not clean(verify_system_unit(root, broken))
    missing = tmp_path / "broken" / "kiosk-browser.service"
    missing.parent.mkdir()
    missing.write_text((PI / "kiosk-browser.service").read_text().replace("/opt/kiosk/bin/chromium", "/opt/kiosk/bin/chrome"))
    assert not clean(verify_user_unit(root, missing, tmp_path))


def test_the_shell_scripts_pass_shellcheck():
    scripts = [PI / "install.sh", ROOT / "deploy/docker/rabbitmq-users.sh"]
    answer = run(tool("shellcheck"), *scripts)
    assert answer.returncode == 0, answer.stdout + answer.stderr


def test_install_dry_run_prints_each_change_and_makes_none():
    if os.geteuid() != 0:
        pytest.skip("the check that nothing changed looks at root's files")
    before = {path: os.path.exists(path) for path in ("/opt/kiosk", "/etc/kiosk", "/etc/systemd/system/kiosk.service",
                                                      "/etc/systemd/user/kiosk-browser.service", "/usr/share/icons/kiosk-blank")}
    had_user = subprocess.run(["id", "kiosk"], capture_output=True).returncode == 0
    answer = run("bash", PI / "install.sh", "--dry-run", timeout=60)
    assert answer.returncode == 0, answer.stdout + answer.stderr
    said = [line for line in answer.stdout.splitlines() if line.startswith("[dry-run] ")]
    for change in ("apt-get install -y -q --no-install-recommends pcscd",
                   "useradd --system --user-group --home-dir /var/lib/kiosk",
                   f"copy kiosk services/contracts services/servicekit requirements.txt requirements-kiosk.txt from {ROOT}",
                   "install -r requirements-kiosk.txt",
                   "install --no-deps --force-reinstall ./services/contracts ./services/servicekit ./kiosk",
                   f"install -m 0644 {PI}/kiosk.service /etc/systemd/system/kiosk.service",
                   "systemctl enable kiosk.service"):
        assert any(change in line for line in said), f"the dry run does not say it would {change!r}"
    assert {path: os.path.exists(path) for path in before} == before
    assert (subprocess.run(["id", "kiosk"], capture_output=True).returncode == 0) == had_user


def test_install_refuses_an_unknown_option():
    answer = run("bash", PI / "install.sh", "--dryrun")
    assert answer.returncode == 2 and "usage" in answer.stderr
