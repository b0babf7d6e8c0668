"""Log lines as JSON, one object per line, the same for every part: the nameko services (their config.yml
names ``JsonFormatter`` in its LOGGING section), the console and the kiosk (``dict_config`` for gunicorn
and ``configure`` for the app).

Each line: ``time`` (UTC), ``level``, ``logger``, ``message``, ``service``, and ``correlation_id`` when
one is in force (servicekit.correlation). No personal data: the code logs ids, codes and counts, never
names, addresses or card hashes, and this formatter makes sure an exception cannot bring them in either
(pydantic's validation errors quote the input they refused; only their fields and error types are kept).
Imports only the standard library and python-json-logger, so the kiosk can use it.
"""
from __future__ import annotations

import logging
import logging.config
import time
import traceback

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from servicekit import correlation


def safe_text(exc: BaseException) -> str:
    """An exception's text without the input it may quote."""
    try:
        from pydantic import ValidationError
    except ImportError:  # pragma: no cover - every part has pydantic (contracts)
        ValidationError = ()
    if isinstance(exc, ValidationError):
        problems = ", ".join(f"{'.'.join(map(str, e['loc'])) or '-'} ({e['type']})" for e in exc.errors()[:10])
        return f"{exc.error_count()} validation error(s): {problems}"
    return str(exc)[:2000]


class JsonFormatter(_JsonFormatter):
    """time, level, logger, message, service, correlation_id, and the exception's traceback without its input."""
    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def __init__(self, *args, service: str = "", **kwargs):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s",
                         rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                         static_fields={"service": service}, json_ensure_ascii=False, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        # nameko logs "error handling worker %s: %s" with the exception itself as an argument
        if isinstance(record.args, tuple) and any(isinstance(a, BaseException) for a in record.args):
            record.args = tuple(safe_text(a) if isinstance(a, BaseException) else a for a in record.args)
        return super().format(record)

    def add_fields(self, log_record: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_record, record, message_dict)
        if (correlation_id := getattr(record, "correlation_id", None) or correlation.current()) is not None:
            log_record["correlation_id"] = correlation_id

    def formatException(self, exc_info) -> str:
        kind, exc, tb = exc_info
        cause = exc.__cause__ or exc.__context__
        return ("Traceback (most recent call last):\n" + "".join(traceback.format_tb(tb))
                + f"{kind.__module__}.{kind.__qualname__}: {safe_text(exc)}"
                + (f" (after {type(cause).__name__})" if cause is not None else ""))


def dict_config(service: str, levels: dict[str, str] | None = None) -> dict:
    """A logging.config dictionary: JSON lines on stderr, INFO for ``levels``' loggers, WARNING for the rest."""
    return {"version": 1, "disable_existing_loggers": False,
            "formatters": {"json": {"()": JsonFormatter, "service": service}},
            "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
            # propagate: gunicorn's own loggers do not by default, so their lines would get no handler
            "loggers": {name: {"level": level, "propagate": True} for name, level in (levels or {}).items()},
            "root": {"level": "WARNING", "handlers": ["console"]}}


def configure(service: str, levels: dict[str, str] | None = None) -> None:
    """Set up the process's logging for an app outside nameko (the kiosk, the console), unless something
    already did (gunicorn from ``logconfig_dict``, a test runner)."""
    if not logging.getLogger().handlers:
        logging.config.dictConfig(dict_config(service, levels))
