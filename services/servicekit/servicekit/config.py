"""Load a service's nameko config.yml outside nameko (CLIs, tools), with the same ${VAR:default} expansion."""
from __future__ import annotations

import os
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class ServiceSettings(BaseModel):
    """What servicekit's providers read from every service's settings: its database and the outbox relay's knobs."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    db_url: str
    db_pool_size: int = Field(default=5, gt=0)  # connections for workers (as many more on a burst; loops have 5 more)
    outbox_poll_interval: float = Field(default=1.0, gt=0)  # when not woken by a commit, seconds
    outbox_lease_seconds: float = Field(default=10, gt=0)  # before another relay may take unsent rows
    outbox_paused: bool = False  # hold events in the outbox (broker maintenance)
    # /health, /ready and /metrics (servicekit.ops); port 0 picks a free one (tests)
    ops_address: str = Field(default="127.0.0.1:0", pattern=r"^[^:\s]*:\d{1,5}$")
    health_missed_intervals: float = Field(default=5, gt=0)  # a loop this many intervals late is stuck ...
    health_min_stale_seconds: float = Field(default=30, gt=0)  # ... and never sooner than this


def load_config(path: str | os.PathLike) -> dict:
    from nameko.cli.main import setup_yaml_parser
    setup_yaml_parser()
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def section(config: dict, name: str, model: type[BaseModel]) -> BaseModel:
    """A service's validated settings from its section of a loaded config; a bad value stops start-up with its name."""
    values = config.get(name)
    if not values:
        raise ValueError(f"config has no {name} section")
    return model.model_validate(values)


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}: give a name such as Asia/Tokyo") from None
    return value


# a setting that names a time zone (Asia/Tokyo); a name zoneinfo does not know stops start-up
ZoneName = Annotated[str, AfterValidator(_zone)]
