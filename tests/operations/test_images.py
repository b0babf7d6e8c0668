"""What goes into the images and onto the Pi: every module the code imports comes with it (a package's
pyproject dependencies for the service images, requirements-kiosk.txt for the kiosk), at the version
requirements.txt pins, and nothing pinned twice differently."""
from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import distribution, packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.operations.compose import ROOT, pyproject

pytestmark = pytest.mark.db_independent

LOCAL = {"contracts": "custody-contracts", "servicekit": "servicekit", "custody": "custody-service",
         "incident": "incident-service", "notify": "notify-service", "kiosk": "custody-kiosk"}


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            out[norm(name)] = version
    return out


def closure(names) -> set[str]:
    """The distributions these need, with their dependencies (as installed here)."""
    todo, seen = [norm(n) for n in names], set()
    while todo:
        name = todo.pop()
        if name in seen or name in {norm(v) for v in LOCAL.values()}:
            continue
        seen.add(name)
        for spec in distribution(name).requires or []:
            req = Requirement(spec)
            if not req.marker or req.marker.evaluate({"extra": ""}):
                todo.append(norm(req.name))
    return seen


def imported(folder: Path) -> set[str]:
    """Top-level modules the package's code imports (anywhere in a file, not only at its head)."""
    found = set()
    for source in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - set(LOCAL) - {"__future__"}


def distributions_for(modules: set[str]) -> set[str]:
    where = packages_distributions()
    return {norm(where[m][0]) for m in modules}


def declared(folder: Path) -> set[str]:
    """A package's dependencies, with the dependencies of the local packages it names."""
    names = set()
    for spec in pyproject(folder)["project"]["dependencies"]:
        req = Requirement(spec)
        local = next((d for d, dist in LOCAL.items() if norm(dist) == norm(req.name)), None)
        names |= declared(ROOT / "services" / local) if local else {req.name}
    return names


def test_every_module_a_service_imports_is_among_its_declared_dependencies():
    for folder in ("contracts", "servicekit", "custody", "incident", "notify"):
        package = ROOT / "services" / folder
        missing = distributions_for(imported(package)) - closure(declared(package))
        assert not missing, f"services/{folder} imports {sorted(missing)}: add them to its pyproject.toml"


def test_requirements_kiosk_has_what_the_kiosk_imports_at_the_repository_pins_with_their_dependencies():
    kiosk = pins(ROOT / "requirements-kiosk.txt")
    everything = pins(ROOT / "requirements.txt")
    assert {name: everything.get(name) for name in kiosk} == kiosk, "a kiosk pin differs from requirements.txt"
    assert closure(kiosk) == set(kiosk), "requirements-kiosk.txt must hold its packages' dependencies too"
    # the kiosk runs kiosk/, contracts and servicekit's logs, correlation, metrics and web ops modules
    needed = imported(ROOT / "kiosk") | imported(ROOT / "services" / "contracts")
    for module in ("logs", "correlation", "metrics", "webops"):
        needed |= _imports_of(ROOT / "services" / "servicekit" / "servicekit" / f"{module}.py")
    assert distributions_for(needed) <= set(kiosk)


def _imports_of(path: Path) -> set[str]:
    """What importing the module needs: its top-level imports (not those under TYPE_CHECKING, nor those
    inside a function, which only the caller of that function needs: the console's database check)."""
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - set(LOCAL) - {"__future__"}
