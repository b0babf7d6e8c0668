"""The e-mail delivery log, read from the notify service over RabbitMQ (its ``delivery_log`` RPC)."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, render_template, request

from incident.console.auth import login_required
from incident.console.pages import refused
from servicekit.remote import Unavailable, call

bp = Blueprint("deliveries", __name__)
log = logging.getLogger(__name__)
STATUSES = ("pending", "sending", "sent", "failed")
FILTERS = ("status", "template", "incident", "request_id")


def fetch(filters: dict, limit: int = 200) -> list[dict]:
    """Ask notify; any transport problem is Unavailable (the page says so instead of failing)."""
    try:
        return call(current_app.config["AMQP_URI"], "notify", "delivery_log",
                    timeout=current_app.config.get("NOTIFY_TIMEOUT", 5), limit=limit, **filters)
    except Unavailable as exc:
        log.warning("notify delivery log unavailable: %s", exc)
        raise


@bp.get("/deliveries")
@login_required
def deliveries():
    """Per message: recipient, template, status, attempts, the last SMTP response."""
    if page := refused("view_deliveries"):
        return page
    filters = {key: request.args.get(key, "").strip() or None for key in FILTERS}
    if filters["status"] not in (None, *STATUSES):
        filters["status"] = None
    try:
        rows, unavailable = fetch({k: v for k, v in filters.items() if v}), False
    except Unavailable:
        rows, unavailable = [], True
    return render_template("deliveries.html", rows=rows, filters=filters, statuses=STATUSES,
                           unavailable=unavailable)
