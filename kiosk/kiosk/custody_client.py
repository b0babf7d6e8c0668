"""Custody's RPCs as the kiosk calls them: short time-outs, and one error for "cannot reach it"."""
from __future__ import annotations

import socket

from kombu.exceptions import KombuError
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy

import contracts.rpc  # noqa: F401  (refusals arrive as CustodyRefusal)
from kiosk.settings import KioskSettings
from servicekit import correlation


class CustodyUnavailable(Exception):
    """RabbitMQ or the custody service cannot be reached right now."""


class CustodyClient:
    """One short-lived connection per call: thread-safe, and nothing stale after an outage."""

    def __init__(self, settings: KioskSettings):
        self.settings = settings

    def call(self, method: str, **kwargs):
        """One RPC under the correlation id in force (a journalled act's request id), else a new one."""
        creds = {"kiosk_id": self.settings.kiosk_id, "kiosk_secret": self.settings.kiosk_secret}
        context = {correlation.KEY: correlation.current() or correlation.new()}
        try:
            with ClusterRpcProxy({"AMQP_URI": self.settings.amqp_uri}, context_data=context,
                                 timeout=self.settings.rpc_timeout) as cluster:
                return getattr(cluster.custody, method)(**creds, **kwargs)
        except (RpcTimeout, UnknownService, KombuError, OSError, socket.timeout) as exc:
            raise CustodyUnavailable(type(exc).__name__) from None
