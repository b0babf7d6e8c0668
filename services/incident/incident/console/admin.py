"""Console users (admin only): the list, a form to add one, and per user: role, on/off, a new password."""
from __future__ import annotations

import logging

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from contracts.errors import IncidentRefusal
from incident.console import auth, db
from incident.console.auth import login_required
from incident.console.i18n import T
from incident.console.pages import Posted, message, refused, status_of
from incident.console.users import add_user, update_user
from incident.models import ConsoleUser
from incident.roles import ROLES

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__)


def _page(error: IncidentRefusal | None = None, posted: Posted | None = None, status: int = 200):
    users = db().scalars(select(ConsoleUser).order_by(ConsoleUser.username)).all()
    return render_template("users.html", users=users, roles=ROLES, error=error and message(error, posted),
                           posted=posted or Posted("")), status


@bp.route("/users", methods=["GET", "POST"])
@login_required
def users():
    """Who may sign in, and with which role; an admin adds (here or with the CLI), changes, disables users."""
    if page := refused("manage_users"):
        return page
    if request.method == "GET":
        return _page()
    f = request.form
    changing = f.get("op") == "update"
    try:
        if changing:
            user = update_user(db(), auth.actor().name, f.get("username", ""), f.get("role", ""),
                               f.get("active") == "on", f.get("password", ""))
            log.info("console user %s changed by %s (role %s, active %s, password reset %s)", user.id, g.user.id,
                     user.role, user.active, bool(f.get("password")))
        else:
            add_user(db(), f.get("username", ""), f.get("display_name", ""), f.get("role", ""), f.get("password", ""))
    except IncidentRefusal as exc:
        db().rollback()
        return _page(exc, Posted("edit" if changing else "user", f), status_of(exc))
    flash(T("ユーザーを更新しました。", "The user was updated.") if changing else
          T("ユーザーを追加しました。", "The user was added."))
    return redirect(url_for("admin.users"), 303)
