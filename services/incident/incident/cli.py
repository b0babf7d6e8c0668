"""``incident``: the incident service's command line (migrations, console users, PPC draft)."""
from __future__ import annotations

import getpass
import os
import sys

from sqlalchemy.orm import Session

from contracts.errors import IncidentRefusal
from incident import migrate, ppc, settings
from incident.handlers import common
from incident.roles import ROLES
from servicekit.cli import ServiceCli
from servicekit.config import load_config
from servicekit.db import make_engine


def _settings(args) -> settings.Settings:
    return settings.from_config(load_config(args.config))


def _session(args) -> Session:
    return Session(make_engine(_settings(args).db_url), expire_on_commit=False)


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


def main(argv: list[str] | None = None) -> int:
    cli = ServiceCli("incident", __doc__, settings.CONFIG_PATH,
                     upgrade=lambda config: migrate.upgrade(settings.from_config(config).db_url))
    user = cli.command("user-add", cmd_user_add, "add a console user")
    user.add_argument("username")
    user.add_argument("--name", default="")
    user.add_argument("--role", choices=ROLES, required=True)
    report = cli.command("ppc-report", cmd_ppc_report, "print the PPC report draft of an incident")
    report.add_argument("incident", help="reference (INC-2026-0001) or id")
    report.add_argument("--html", action="store_true")
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
