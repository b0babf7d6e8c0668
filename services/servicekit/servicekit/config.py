"""Load a service's nameko config.yml outside nameko (CLIs, tools), with the same ${VAR:default} expansion."""
from __future__ import annotations

import os

import yaml


def load_config(path: str | os.PathLike) -> dict:
    from nameko.cli.main import setup_yaml_parser
    setup_yaml_parser()
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)
