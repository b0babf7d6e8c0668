"""Validated settings, read from the ``CUSTODY`` section of the nameko config."""
from __future__ import annotations

import os
import re
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import servicekit.config
from pydantic import Field, InstanceOf, SecretStr, field_validator
from servicekit.config import ZoneName

from custody.domain import DueRule, Policy

CONFIG_PATH = Path(__file__).resolve().parent.parent / "config.yml"
_DURATION = re.compile(r"^(\d+)\s*(m|h|d)$")
_END_OF_DAY = re.compile(r"^end-of-day\s+(\d{1,2}):(\d{2})$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_due_rule(text: str) -> DueRule:
    """``4h``, ``90m``, ``2d`` (a length) or ``end-of-day 18:00`` (the end of the working day)."""
    text = str(text).strip()
    if m := _DURATION.match(text):
        return DueRule(length=timedelta(**{_UNITS[m[2]]: int(m[1])}))
    if (m := _END_OF_DAY.match(text)) and int(m[1]) < 24 and int(m[2]) < 60:
        return DueRule(end_of_day=time(int(m[1]), int(m[2])))
    raise ValueError(f"due rule {text!r}: use e.g. '4h', '90m', '2d' or 'end-of-day 18:00'")


class Settings(servicekit.config.ServiceSettings):
    label_secret: SecretStr = Field(min_length=16)  # SecretStr: never printed in a repr or log
    timezone: ZoneName = "Asia/Tokyo"
    training_valid_days: int = Field(default=365, gt=0)
    max_items: int = Field(default=3, gt=0)
    due: dict[str, InstanceOf[DueRule]]
    sweep_max_interval: float = Field(default=1.0, gt=0)

    @field_validator("due", mode="before")
    @classmethod
    def _parse_due(cls, value: dict) -> dict:
        return {kind: rule if isinstance(rule, DueRule) else parse_due_rule(rule)
                for kind, rule in value.items()}

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def label_key(self) -> bytes:
        return self.label_secret.get_secret_value().encode()

    @property
    def policy(self) -> Policy:
        """The checkout rules' parameters (custody.domain)."""
        return Policy(self.training_valid_days, self.max_items, self.due, self.tz)


def from_config(config: dict) -> Settings:
    """Settings from a loaded nameko config; a bad value stops start-up with its name."""
    return servicekit.config.section(config, "CUSTODY", Settings)


def load_config(path: str | os.PathLike = CONFIG_PATH) -> dict:
    """Load config.yml with nameko's ${VAR:default} expansion (for the CLI and tools)."""
    return servicekit.config.load_config(path)
