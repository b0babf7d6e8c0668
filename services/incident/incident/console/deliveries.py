"""The e-mail delivery log, read from the notify service over RabbitMQ (its ``delivery_log`` RPC)."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, render_template, request

from contracts.errors import IncidentRefusal
from incident.console import auth
from incident.console.auth import login_required
from incident.console.pages import message, status_of

bp = Blueprint("deliveries", __name__)
log = logging.getLogger(__name__)
STATUSES = ("pending", "sending", "sent", "failed")
FILTERS = ("status", "template", "incident", "request_id")


class NotifyUnavailable(Exception):
    """The notify service did not answer (broker down, service stopped, time-out)."""


def fetch(filters: dict, limit: int = 200) -> list[dict]:
    """Ask notify; any transport problem becomes NotifyUnavailable (the page says so instead of failing)."""
    from nameko.standalone.rpc import ClusterRpcProxy
    config = {"AMQP_URI": current_app.config["AMQP_URI"]}
    try:
        with ClusterRpcProxy(config, timeout=current_app.config.get("NOTIFY_TIMEOUT", 5)) as rpc:
            return rpc.notify.delivery_log(limit=limit, **filters)
    except Exception as exc:  # noqa: BLE001 - connection refused, UnknownService, RpcTimeout...
        log.warning("notify delivery log unavailable: %s", type(exc).__name__)
        raise NotifyUnavailable from exc


@bp.get("/deliveries")
@login_required
def deliveries():
    """Per message: recipient, template, status, attempts, the last SMTP response."""
    try:
        auth.actor().require("view_deliveries")
    except IncidentRefusal as exc:
        return render_template("error.html", message=message(exc)), status_of(exc)
    filters = {key: request.args.get(key, "").strip() or None for key in FILTERS}
    if filters["status"] not in (None, *STATUSES):
        filters["status"] = None
    try:
        rows, unavailable = fetch({k: v for k, v in filters.items() if v}), False
    except NotifyUnavailable:
        rows, unavailable = [], True
    return render_template("deliveries.html", rows=rows, filters=filters, statuses=STATUSES,
                           unavailable=unavailable)
