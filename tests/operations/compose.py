"""docker-compose.yml read as docker compose would (YAML merge keys included), and what its images hold:
the packages each Dockerfile copies, their console scripts, the environment variables their code reads."""
from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
OURS = "custody-response/"  # the images this repository builds


@cache
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def services() -> dict[str, dict]:
    return compose()["services"]


def image_name(service: dict) -> str:
    return service["image"].split(":", 1)[0]


def builders() -> dict[str, dict]:
    """Each of our images and the build section of the one service that builds it."""
    out = {}
    for service in services().values():
        if "build" in service:
            assert image_name(service) not in out, f"{image_name(service)} is built twice"
            out[image_name(service)] = service["build"]
    return out


def dockerfile(build: dict) -> tuple[str, dict[str, str]]:
    """The Dockerfile's text and its build arguments (the file's defaults, then compose's)."""
    text = (ROOT / build.get("context", ".") / build["dockerfile"]).read_text()
    args = dict(re.findall(r"^ARG (\w+)=(\S+)$", text, re.M)) | {k: str(v) for k, v in build.get("args", {}).items()}
    return text, args


def expand(text: str, args: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m[1] or m[2], m[0]), text)


def copied(build: dict) -> list[Path]:
    """The repository folders the image's final stage ends up with (COPY lines of the build stage)."""
    text, args = dockerfile(build)
    sources = [expand(src, args) for src, _ in re.findall(r"^COPY (?!--from)(\S+) (\S+)$", text, re.M)]
    return [ROOT / s for s in sources if (ROOT / s).is_dir()]


def default_command(build: dict) -> list[str]:
    text, args = dockerfile(build)
    cmd = re.findall(r"^CMD (\[.*\])$", text, re.M)[-1]
    return [expand(part, args) for part in yaml.safe_load(cmd)]


def pyproject(folder: Path) -> dict:
    return tomllib.loads((folder / "pyproject.toml").read_text())


def packages(folder: Path) -> list[str]:
    return pyproject(folder)["tool"]["setuptools"]["packages"]


def scripts(folders: list[Path]) -> dict[str, str]:
    """Console scripts the image's packages install: name -> "module:function"."""
    return {name: target for f in folders for name, target in pyproject(f)["project"].get("scripts", {}).items()}


def variables_read(folders: list[Path]) -> set[str]:
    """Environment variable names the code in these folders can read: ${NAME...} in config.yml,
    and upper-case string literals in the Python sources (os.environ[...], env.get(...), f-string prefixes)."""
    names: set[str] = set()
    for folder in folders:
        for config in folder.glob("config.yml"):
            names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", config.read_text()))
        for source in folder.rglob("*.py"):
            names |= set(re.findall(r"[\"']([A-Z][A-Z0-9_]{2,})[\"']", source.read_text()))
    return names


def compose_variables() -> set[str]:
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (ROOT / "docker-compose.yml").read_text()))


def bind_port(service: dict, variable_suffix: str) -> int | None:
    """The port a service listens on, from its *_BIND / *_OPS_ADDRESS setting."""
    for name, value in (service.get("environment") or {}).items():
        if name.endswith(variable_suffix):
            return int(str(value).rsplit(":", 1)[1])
    return None
