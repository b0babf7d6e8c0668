"""Validated settings, read from the ``NOTIFY`` section of the nameko config."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import servicekit.config
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from contracts.desk import Desk
from servicekit.config import ZoneName

CONFIG_PATH = Path(__file__).resolve().parent.parent / "config.yml"


class Smtp(BaseModel):
    """Where mail goes; the password is a SecretStr, so it never shows in a repr or a log line."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    host: str = "127.0.0.1"
    port: int = Field(default=1025, gt=0, lt=65536)
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str = ""
    password: SecretStr = SecretStr("")
    timeout: float = Field(default=10, gt=0)
    ca_file: str = ""  # PEM bundle to trust instead of the system's CAs (a relay with a company CA)

    @field_validator("ca_file")
    @classmethod
    def _readable(cls, value: str) -> str:
        if value and not os.access(value, os.R_OK):
            raise ValueError(f"cannot read the CA file {value} / CAファイルを読めません")
        return value


class Settings(servicekit.config.ServiceSettings):
    smtp: Smtp = Smtp()
    # who people are told to call, and where the console is: no default could be true, so both are required
    desk: Desk
    console_base_url: str
    timezone: ZoneName = "Asia/Tokyo"  # staff's zone: every time in an e-mail is shown in it, with its name
    sender_name: str = "機器管理システム"
    sender_name_en: str = "Equipment custody system"
    sender_address: str = "custody@example.co.jp"
    message_id_domain: str = "notify.custody.invalid"
    # teams are lists of addresses; an environment variable gives them comma-separated
    security_team: tuple[str, ...] = ()
    privacy_officer: tuple[str, ...] = ()
    staff_language: Literal["ja", "en"] = "ja"
    rate_per_second: float = Field(default=20, ge=0)  # 0: no limit
    max_attempts: int = Field(default=8, gt=0)
    retry_base_seconds: float = Field(default=30, gt=0)
    retry_max_seconds: float = Field(default=3600, gt=0)
    lease_seconds: float = Field(default=60, gt=0)
    sender_concurrency: int = Field(default=4, gt=0, le=32)  # SMTP transactions in flight per replica
    sender_poll_interval: float = Field(default=1.0, gt=0)
    dead_letter_queue: str = "notify.dead-letter"

    @field_validator("security_team", "privacy_officer", mode="before")
    @classmethod
    def _split(cls, value):
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return tuple(value or ())

    @field_validator("console_base_url", mode="before")
    @classmethod
    def _console(cls, value):
        url = str(value or "").strip().rstrip("/")
        if not url:
            raise ValueError("NOTIFY_CONSOLE_BASE_URL is not set: the incident console's address, linked from every "
                             "e-mail, e.g. https://incidents.example.co.jp / NOTIFY_CONSOLE_BASE_URL を設定してください")
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise ValueError(f"NOTIFY_CONSOLE_BASE_URL must be an http(s) address, not {url!r}")
        return url

    def sender(self, lang: str) -> tuple[str, str]:
        """From: the sender's name in the e-mail's language."""
        return (self.sender_name_en if lang == "en" else self.sender_name), self.sender_address


def from_config(config: dict) -> Settings:
    """Settings from a loaded nameko config; a bad value stops start-up with its name."""
    return servicekit.config.section(config, "NOTIFY", Settings)


def load_config(path: str | os.PathLike = CONFIG_PATH) -> dict:
    """Load config.yml with nameko's ${VAR:default} expansion (for the CLI and tools)."""
    return servicekit.config.load_config(path)
