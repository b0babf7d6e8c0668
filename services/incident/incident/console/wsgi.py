"""The WSGI entry for gunicorn (``incident.console.wsgi:build()``): the app configured from the environment."""
import os

from flask import Flask

from incident.console import create_app


def from_env() -> dict:
    return {"DB_URL": os.environ["INCIDENT_DB_URL"], "SECRET_KEY": os.environ["INCIDENT_CONSOLE_SECRET_KEY"],
            "LANGUAGE": os.environ.get("INCIDENT_CONSOLE_LANGUAGE", "ja"),
            "TIMEZONE": os.environ.get("INCIDENT_TIMEZONE", "Asia/Tokyo"),
            "REFERENCE_PREFIX": os.environ.get("INCIDENT_REFERENCE_PREFIX", "INC"),
            "AMQP_URI": os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"),
            "SESSION_COOKIE_SECURE": os.environ.get("INCIDENT_CONSOLE_SECURE_COOKIE", "0") == "1"}


def build() -> Flask:
    """Called by gunicorn in each worker."""
    return create_app(from_env())
