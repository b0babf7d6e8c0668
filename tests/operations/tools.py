"""The checkers the operations tests run (dclint, hadolint, promtool, shellcheck, systemd-analyze),
as ./test.sh's bootstrap installs them: into node_modules/.bin, .venv/bin or the system."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLACES = (ROOT / "node_modules" / ".bin", Path(sys.executable).parent)


def tool(name: str) -> str:
    """The tool's path; missing, the test fails under CI (bootstrap should have installed it), else skips."""
    for place in PLACES:
        if (place / name).is_file():
            return str(place / name)
    if found := shutil.which(name):
        return found
    message = f"{name} is not installed (bash scripts/bootstrap.sh --tests installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def run(*args, cwd: Path = ROOT, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=os.environ | (env or {}))
