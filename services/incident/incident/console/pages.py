"""What the console shows: the incident list, one page per incident, the PPC draft, and error pages."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from contracts.errors import IncidentRefusal
from incident import ppc as ppc_draft
from incident import queries, views
from incident.console import auth, db, forms
from incident.console.auth import login_required
from incident.console.i18n import T, colour_label, refusal_text
from incident.domain import CLOSED
from incident.handlers import common
from incident.models import Incident
from incident.schemas import FORGOTTEN

bp = Blueprint("pages", __name__)
HTTP_STATUS = {"not_permitted": 403, "incident_unknown": 404, "entry_unknown": 404, "incident_closed": 409}
FIELD_TABLES = {"correct": "timeline", "edit": "user"}  # a form's id -> its fields in incident.texts.fields


@dataclass
class Posted:
    """A form that was sent and refused: shown again as it was typed."""
    form: str
    values: MultiDict = field(default_factory=MultiDict)
    body: dict | None = None  # the structured loss report, for the report form (its rows as the use case got them)

    def get(self, form: str, name: str, default=""):
        return self.values.get(name, "") if form == self.form else default

    def checked(self, form: str, name: str, default: bool = False) -> bool:
        return name in self.values if form == self.form else default

    @property
    def fields(self) -> str:
        """Where this form's labels are (``action-3`` is an action's status, ``measure-cost_claim`` a measure)."""
        head, dash, _ = self.form.partition("-")
        return "action_status" if head == "action" and dash else FIELD_TABLES.get(head, head)


def status_of(exc: IncidentRefusal) -> int:
    return HTTP_STATUS.get(exc.code, 400)


def message(exc: IncidentRefusal, posted: Posted | None = None) -> str:
    """The refusal in the reader's language. With the form it refused, the field it names is marked on the page
    (``g.invalid``, read by the ``bad`` helper) and a validation problem is said with the form's own label."""
    if posted is None or not posted.form:
        return refusal_text(exc)
    row = None
    if path := exc.params.get("field"):
        name, row = forms.input_for(path, posted.values, reindexed=posted.body is not None)
        g.invalid = (posted.form, name)
    return refusal_text(exc, posted.fields, row)


def refused(action: str):
    """The error page if the signed-in role may not take this action, else None."""
    try:
        auth.actor().require(action)
    except IncidentRefusal as exc:
        return render_template("error.html", message=message(exc)), status_of(exc)
    return None


@bp.get("/")
@login_required
def incidents():
    """Every incident (or an asset's: ``?asset=LT-0002``), the nearest open deadline first (none last), closed ones
    at the end."""
    return render_list()


def render_list(error: IncidentRefusal | None = None, posted: Posted | None = None, status: int = 200):
    asset = (request.args.get("asset") or "").strip().upper() or None
    shown = queries.incidents(db(), asset=asset)
    # why no deadline runs, for the open incidents without one (a closed incident's file is done)
    why = {i.id: views.no_deadline(i) for i in shown if i.next_due_at is None and i.status != CLOSED}
    return render_template("list.html", incidents=shown, why=why,
                           asset=asset, error=error and message(error, posted), posted=posted or Posted("")), status


@bp.get("/incidents/by-asset/<tag>")
@login_required
def by_asset(tag: str):
    """For links made before an incident's reference is known (e-mails): the asset's newest incident that is not
    closed, else the list of the asset's incidents with a message."""
    tag = tag.strip().upper()
    found = queries.newest_live_for_asset(db(), tag)
    if found is not None:
        return redirect(url_for("pages.incident", reference=found.reference))
    flash(T(f"備品 {tag} について対応中のインシデントはありません。", f"There is no open incident about asset {tag}."))
    return redirect(url_for("pages.incidents", asset=tag))


@bp.get("/incidents/<reference>")
@login_required
def incident(reference: str):
    """One incident: the whole file and the forms the signed-in role may use."""
    return render_incident(reference)


def render_incident(reference: str, error: IncidentRefusal | None = None, posted: Posted | None = None,
                    status: int = 200):
    try:
        found = common.get(db(), reference)
    except IncidentRefusal as exc:
        return render_template("error.html", message=message(exc)), 404
    posted = posted or Posted("")
    file = views.detail(found, current_app.extensions["incident_tz"])
    report = posted.body if posted.form == "report" and posted.body else report_prefill(found, file)
    still_open = [a for a in file["actions"] if a["status"] != "done"]
    return render_template("incident.html", i=found, d=file, report=report, posted=posted, forgotten=FORGOTTEN,
                           error=error and message(error, posted), open_actions=still_open), status


def report_prefill(found: Incident, file: dict) -> dict:
    """The last version as it was submitted, or a first version from the ledger's inventory (each to confirm)."""
    if file["reports"]:
        return file["reports"][-1]["body"]
    ledger = found.ledger_inventory
    customers = ledger.get("customer_ids", [])
    persons = ledger.get("approx_persons", 0) if len(customers) == 1 else ""
    return {"data": [{"category": c, "present": "", "note": ""} for c in ledger.get("categories", [])],
            "customers": [{"customer_id": c, "persons": persons, "present": "", "note": ""} for c in customers],
            "eu_data_subjects": ledger.get("eu_data_subjects", False), "forgotten": {}, "forgotten_detail": "",
            "features": {"model_number_confirmed": False, "serial_number_confirmed": False,
                         "colour": colour_label((found.asset or {}).get("colour", "")), "shape": "", "stickers": "",
                         "case": ""},
            "last_seen_at": None, "last_seen_place": "", "circumstances": "", "movements": [], "told": [],
            "lost_or_stolen": "unknown"}


@bp.get("/incidents/<reference>/ppc.<fmt>")
@login_required
def ppc(reference: str, fmt: str):
    """The PPC report draft (Enforcement Rules Art. 8), as Markdown or HTML; privacy officer and admin only."""
    if fmt not in ("md", "html"):
        abort(404)
    if page := refused("ppc_report"):
        return page
    try:
        found = common.get(db(), reference)
    except IncidentRefusal as exc:
        return render_template("error.html", message=message(exc)), status_of(exc)
    text = ppc_draft.render(found, "markdown" if fmt == "md" else "html", tz=current_app.extensions["incident_tz"])
    return Response(text, mimetype="text/markdown" if fmt == "md" else "text/html",
                    headers={"Content-Disposition": f'inline; filename="{found.reference}-ppc.{fmt}"'})


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    """Errors as pages in the reader's language (the CSRF refusal says how to recover)."""
    if exc.code == 400 and exc.description == "csrf":
        text = T("フォームの有効期限が切れています。ページを再読み込みして、もう一度送信してください。",
                 "This form has expired. Reload the page and send it again.")
    elif exc.code == 404:
        text = T("ページが見つかりません。", "Page not found.")
    else:
        text = f"{exc.code} {exc.name}"
    return render_template("error.html", message=text), exc.code
