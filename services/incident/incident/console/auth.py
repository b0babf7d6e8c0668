"""Signing in and out, the language toggle, the CSRF check on every POST, and who is acting."""
from __future__ import annotations

import functools
import hmac
import logging
import secrets

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for

from incident.console import db
from incident.models import ConsoleUser
from incident.roles import Actor
from incident.console.users import authenticate, password_mark

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)


def csrf_token() -> str:
    """The session's token, put in every form and checked on every POST."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def lang() -> str:
    return session.get("lang") or current_app.config["LANGUAGE"]


def actor() -> Actor:
    return Actor(g.user.username, g.user.role)


def may(action: str) -> bool:
    return g.get("user") is not None and actor().may(action)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("pages.incidents")


@bp.before_app_request
def load_user_and_check_csrf():
    """Who is signed in (re-read each request, so a disabled user or a reset password is out at once);
    POSTs need the token."""
    g.user = None
    if (uid := session.get("uid")) is not None:
        user = db().get(ConsoleUser, uid)
        mark = password_mark(user, current_app.secret_key) if user is not None else ""
        if user is not None and user.active and hmac.compare_digest(session.get("pw", ""), mark):
            g.user = user
        else:  # disabled, or the password was reset since this session signed in
            session.pop("uid", None)
    if request.method == "POST":
        sent, kept = request.form.get("csrf_token", ""), session.get("csrf", "")
        if not kept or not hmac.compare_digest(sent, kept):
            abort(400, description="csrf")


def login_required(view):
    """Send a visitor who has not signed in to the login page."""
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.path))
        return view(**kwargs)
    return wrapped


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; one message for every failure (unknown name, wrong password, disabled user)."""
    if request.method == "GET":
        return render_template("login.html", username="", next=request.args.get("next", ""))
    user = authenticate(db(), request.form.get("username", ""), request.form.get("password", ""))
    if user is None:
        log.info("console sign-in refused")  # no username: it may be a mistyped password
        return render_template("login.html", username=request.form.get("username", ""), failed=True,
                               next=request.form.get("next", "")), 401
    chosen = session.get("lang")
    session.clear()  # a fresh session on sign-in: no fixation
    session.update(uid=user.id, pw=password_mark(user, current_app.secret_key), csrf=secrets.token_urlsafe(32))
    if chosen:
        session["lang"] = chosen
    session.permanent = True
    log.info("console user %s signed in", user.id)
    return redirect(safe_next(request.form.get("next")), 303)


@bp.post("/logout")
def logout():
    """Sign out: the session is dropped."""
    session.clear()
    return redirect(url_for("auth.login"), 303)


@bp.post("/lang")
def set_language():
    """Switch Japanese/English for this session."""
    if request.form.get("lang") in ("ja", "en"):
        session["lang"] = request.form["lang"]
    return redirect(safe_next(request.form.get("next")), 303)
