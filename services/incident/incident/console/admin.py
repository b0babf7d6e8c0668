"""Console users (admin only): the list and a form to add one."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from contracts.errors import IncidentRefusal
from incident.console import auth, db
from incident.console.auth import login_required
from incident.console.i18n import T
from incident.console.pages import Posted, message, status_of
from incident.console.users import add_user
from incident.models import ConsoleUser
from incident.roles import ROLES

bp = Blueprint("admin", __name__)


def _page(error: IncidentRefusal | None = None, posted: Posted | None = None, status: int = 200):
    users = db().scalars(select(ConsoleUser).order_by(ConsoleUser.username)).all()
    return render_template("users.html", users=users, roles=ROLES, error=error and message(error),
                           posted=posted or Posted("")), status


@bp.route("/users", methods=["GET", "POST"])
@login_required
def users():
    """Who may sign in, and with which role; an admin adds users here or with the CLI."""
    try:
        auth.actor().require("manage_users")
    except IncidentRefusal as exc:
        return render_template("error.html", message=message(exc)), status_of(exc)
    if request.method == "GET":
        return _page()
    f = request.form
    try:
        add_user(db(), f.get("username", ""), f.get("display_name", ""), f.get("role", ""), f.get("password", ""))
    except IncidentRefusal as exc:
        db().rollback()
        return _page(exc, Posted("user", f), status_of(exc))
    flash(T("ユーザーを追加しました。", "The user was added."))
    return redirect(url_for("admin.users"), 303)
