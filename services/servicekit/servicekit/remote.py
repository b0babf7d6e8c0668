"""Calling another running service from outside a nameko worker (CLIs, the console, best-effort lookups)."""
from __future__ import annotations


class Unavailable(Exception):
    """The service did not answer: broker down, service stopped, time-out. The text is the cause's class name."""


def call(amqp_uri: str, service: str, method: str, *args, timeout: float = 5,
         expected: tuple[type[Exception], ...] = (), **kwargs):
    """One RPC on its own short-lived connection; ``expected`` exceptions (refusals) pass through,
    anything else becomes Unavailable."""
    from nameko.standalone.rpc import ClusterRpcProxy

    from servicekit import correlation
    context = {correlation.KEY: correlation.current()} if correlation.current() else None
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, context_data=context, timeout=timeout) as cluster:
            return getattr(getattr(cluster, service), method)(*args, **kwargs)
    except expected:
        raise
    except Exception as exc:  # connection refused, UnknownService, RpcTimeout, ...
        raise Unavailable(type(exc).__name__) from exc
