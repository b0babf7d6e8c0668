"""Every change the console makes: one POST route per use case, each going through the handler (which checks
the role). A refusal shows the page again with the message and the form as it was typed."""
from __future__ import annotations

from functools import partial
from typing import Callable

from flask import Blueprint, current_app, flash, redirect, request, url_for

from contracts.errors import IncidentRefusal
from incident.console import auth, db, forms, now
from incident.console.auth import login_required
from incident.console.i18n import T
from incident.console.pages import Posted, render_incident, render_list, status_of
from incident.handlers import closing, opening, reporting
from incident.ledger import employee, lookup

bp = Blueprint("actions", __name__)


def _tz():
    return current_app.extensions["incident_tz"]


def _run(reference: str, form: str, anchor: str, use_case: Callable, *args, body: dict | None = None):
    """Run one use case on the incident as the signed-in user; then back to the page (or the page again with
    the refusal and the form as it was typed)."""
    try:
        use_case(db(), auth.actor(), reference, *args, now=now())
    except IncidentRefusal as exc:
        db().rollback()
        return render_incident(reference, exc, Posted(form, request.form, body), status_of(exc))
    flash(T("保存しました。", "Saved."))
    return redirect(url_for("pages.incident", reference=reference, _anchor=anchor), 303)


@bp.post("/incidents")
@login_required
def report_loss():
    """A loss reported directly (responder and above): opens a confirmed incident."""
    try:
        amqp_uri = current_app.config["AMQP_URI"]
        made = opening.report_loss(db(), current_app.config["REFERENCE_PREFIX"], auth.actor(),
                                   forms.loss_reported(request.form, _tz()), now(), partial(lookup, amqp_uri),
                                   partial(employee, amqp_uri))
    except IncidentRefusal as exc:
        db().rollback()
        return render_list(exc, Posted("report_loss", request.form), status_of(exc))
    flash(T("紛失の届出を受け付けました。", "The loss report was received."))
    return redirect(url_for("pages.incident", reference=made.reference), 303)


@bp.post("/incidents/<reference>/report")
@login_required
def submit_report(reference: str):
    """A new version of the loss report."""
    body = forms.loss_report(request.form, _tz())
    return _run(reference, "report", "duties", reporting.submit_report, body, body=body)


@bp.post("/incidents/<reference>/timeline")
@login_required
def add_timeline(reference: str):
    """A fact for the timeline, or a correction superseding an entry."""
    data = forms.timeline(request.form, _tz())
    form = f"correct-{data['supersedes']}" if "supersedes" in data else "timeline"
    return _run(reference, form, "timeline", reporting.add_timeline, data)


@bp.post("/incidents/<reference>/facts")
@login_required
def set_facts(reference: str):
    """The judgement calls behind the duties (privacy officer)."""
    return _run(reference, "facts", "duties", reporting.set_facts, forms.facts(request.form, _tz()))


@bp.post("/incidents/<reference>/duties/<code>/done")
@login_required
def mark_duty_done(reference: str, code: str):
    """A duty fulfilled (privacy officer)."""
    return _run(reference, f"duty-{code}", "duties", reporting.mark_duty_done, code, request.form.get("note", ""))


@bp.post("/incidents/<reference>/review")
@login_required
def record_review(reference: str):
    """The causes, including workload and work style."""
    return _run(reference, "review", "review", closing.record_review, forms.review(request.form))


@bp.post("/incidents/<reference>/actions")
@login_required
def add_action(reference: str):
    """A prevention action with owner and due date."""
    return _run(reference, "action", "review", closing.add_action, forms.action(request.form))


@bp.post("/incidents/<reference>/actions/<int:action_id>")
@login_required
def update_action(reference: str, action_id: int):
    """Move a prevention action to open / in progress / done."""
    return _run(reference, f"action-{action_id}", "review", closing.update_action, action_id,
                request.form.get("status", ""))


@bp.post("/incidents/<reference>/measures")
@login_required
def record_measure(reference: str):
    """A measure toward the employee (privacy officer), with the legal notes kept."""
    data = forms.measure(request.form)
    return _run(reference, f"measure-{data['kind']}", "measures", closing.record_measure, data)


@bp.post("/incidents/<reference>/close")
@login_required
def close(reference: str):
    """Close as "no leak" or "resolved"; with open actions only an admin, with a reason."""
    f = request.form
    return _run(reference, "close", "close", closing.close, f.get("resolution", ""), f.get("reason", ""),
                f.get("override_reason", ""))
