"""Validated settings, read from the ``INCIDENT`` section of the nameko config."""
from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator

import servicekit.config
from servicekit.config import ZoneName

CONFIG_PATH = Path(__file__).resolve().parent.parent / "config.yml"


class Settings(servicekit.config.ServiceSettings):
    timezone: ZoneName = "Asia/Tokyo"
    reference_prefix: str = Field(default="INC", pattern=r"^[A-Z]{2,6}$")
    # reminders go out this many hours before each open deadline (each once), then once when it is missed
    reminder_lead_hours: tuple[float, ...] = (48.0, 24.0, 4.0)
    reminder_interval: float = Field(default=30.0, gt=0)

    @field_validator("reminder_lead_hours", mode="before")
    @classmethod
    def _hours_list(cls, value):
        """From the environment the lead times come as text: "48,24,4"."""
        return tuple(float(x) for x in value.split(",") if x.strip()) if isinstance(value, str) else value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def from_config(config: dict) -> Settings:
    """Settings from a loaded nameko config; a bad value stops start-up with its name."""
    return servicekit.config.section(config, "INCIDENT", Settings)
