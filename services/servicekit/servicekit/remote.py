"""Calling another running service from outside a nameko worker (CLIs, the console, best-effort lookups)."""
from __future__ import annotations

import sys
import threading


class Unavailable(Exception):
    """The service did not answer: broker down, service stopped, time-out. The text is the cause's class name."""


def load_client() -> None:
    """Import the RPC client (nameko, and with it eventlet) now; call it from the main thread of a process
    that calls services from other threads (the console's gthread workers).

    Eventlet imported for the first time in a non-main thread leaves that thread impossible to join
    (eventlet issue #230, open since 2015): the process then hangs at exit in concurrent.futures' join,
    ignoring SIGTERM, still holding its AMQP and database connections. Importing it here first avoids that.
    CLIs need not call it: the import stays lazy so that a command that calls nothing loads no eventlet.
    It also quiets amqp's note about a late publisher confirm (contracts.rpc.LateConfirmFilter).
    """
    import nameko.standalone.rpc  # noqa: F401

    from contracts.rpc import quiet_late_confirms
    quiet_late_confirms()


def call(amqp_uri: str, service: str, method: str, *args, timeout: float = 5,
         expected: tuple[type[Exception], ...] = (), **kwargs):
    """One RPC on its own short-lived connection; ``expected`` exceptions (refusals) pass through,
    anything else becomes Unavailable."""
    if "eventlet" not in sys.modules and threading.current_thread() is not threading.main_thread():
        raise RuntimeError("servicekit.remote.load_client() must run in the main thread first (see its docstring)")
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
