"""``incident``: the incident service's command line (migrations, console users, PPC draft)."""
from __future__ import annotations

import argparse
import getpass
import os
import sys

from sqlalchemy.orm import Session

from contracts.errors import IncidentRefusal
from incident import migrate, ppc, settings
from incident.handlers import common
from incident.roles import ROLES
from servicekit.cli import ask
from servicekit.config import load_config
from servicekit.db import make_engine


def _settings(args) -> settings.Settings:
    return settings.from_config(load_config(args.config))


def _session(args) -> Session:
    return Session(make_engine(_settings(args).db_url), expire_on_commit=False)


def cmd_db_upgrade(args) -> int:
    migrate.upgrade(_settings(args).db_url)
    print("database schema is up to date / データベースは最新です")
    return 0


def cmd_user_add(args) -> int:
    """A console user; the password comes from INCIDENT_NEW_PASSWORD or a prompt, never from the command line."""
    from incident.console.users import add_user
    password = os.environ.get("INCIDENT_NEW_PASSWORD") or getpass.getpass("password / パスワード: ")
    if len(password) < 12:
        print("the password needs at least 12 characters / パスワードは12文字以上にしてください", file=sys.stderr)
        return 1
    with _session(args) as session:
        add_user(session, args.username, args.name or args.username, args.role, password)
    print(f"user {args.username} ({args.role}) added / ユーザーを追加しました")
    return 0


def cmd_ppc_report(args) -> int:
    with _session(args) as session:
        try:
            incident = common.get(session, args.incident)
        except IncidentRefusal as refusal:
            print(refusal.message("ja") + "\n" + refusal.message("en"), file=sys.stderr)
            return 1
        sys.stdout.write(ppc.render(incident, "html" if args.html else "markdown", _settings(args).tz))
    return 0


def cmd_health(args) -> int:
    """Ask the running service over RabbitMQ; exit 1 if it does not answer (docker health check)."""
    return ask(load_config(args.config)["AMQP_URI"], "incident", "health", timeout=5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="incident", description="incident service tools")
    parser.add_argument("--config", default=os.environ.get("INCIDENT_CONFIG", str(settings.CONFIG_PATH)))
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("db-upgrade", help="apply the database migrations").set_defaults(run=cmd_db_upgrade)
    user = sub.add_parser("user-add", help="add a console user")
    user.add_argument("username")
    user.add_argument("--name", default="")
    user.add_argument("--role", choices=ROLES, required=True)
    user.set_defaults(run=cmd_user_add)
    report = sub.add_parser("ppc-report", help="print the PPC report draft of an incident")
    report.add_argument("incident", help="reference (INC-2026-0001) or id")
    report.add_argument("--html", action="store_true")
    report.set_defaults(run=cmd_ppc_report)
    sub.add_parser("health", help="ask the running service whether it answers").set_defaults(run=cmd_health)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
