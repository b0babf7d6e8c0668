"""Validated settings, read from the ``INCIDENT`` section of the nameko config."""
from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

CONFIG_PATH = Path(__file__).resolve().parent.parent / "config.yml"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    db_url: str
    timezone: str = "Asia/Tokyo"
    reference_prefix: str = Field(default="INC", pattern=r"^[A-Z]{2,6}$")
    # reminders go out this many hours before each open deadline (each once), then once when it is missed
    reminder_lead_hours: tuple[float, ...] = (48.0, 24.0, 4.0)
    reminder_interval: float = Field(default=30.0, gt=0)
    outbox_poll_interval: float = Field(default=1.0, gt=0)
    outbox_lease_seconds: float = Field(default=10, gt=0)
    outbox_paused: bool = False

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def from_config(config: dict) -> Settings:
    section = config.get("INCIDENT")
    if not section:
        raise ValueError("config has no INCIDENT section")
    section = dict(section)
    leads = section.get("reminder_lead_hours")
    if isinstance(leads, str):  # from the environment: "48,24,4"
        section["reminder_lead_hours"] = tuple(float(x) for x in leads.split(",") if x.strip())
    return Settings.model_validate(section)
