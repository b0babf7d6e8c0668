"""A private RabbitMQ vhost per benchmark run, so no other service on "/" answers its RPCs or eats its events."""
from __future__ import annotations

import os

import requests

BROKER = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
MANAGEMENT = os.environ.get("RABBIT_MANAGEMENT", "http://guest:guest@127.0.0.1:15672/api")


def private_vhost(name: str) -> str:
    """Create the vhost (guest may use it) and return its AMQP URI."""
    requests.put(f"{MANAGEMENT}/vhosts/{name}", timeout=10).raise_for_status()
    requests.put(f"{MANAGEMENT}/permissions/{name}/guest", json={"configure": ".*", "write": ".*", "read": ".*"},
                 timeout=10).raise_for_status()
    return BROKER.rstrip("/") + "/" + name


def drop_vhost(name: str) -> None:
    requests.delete(f"{MANAGEMENT}/vhosts/{name}", timeout=10)
