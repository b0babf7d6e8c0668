"""``notify``: migrations and read-outs of the running service (``python -m notify.cli``)."""
from __future__ import annotations

import argparse
import os
import sys

from servicekit.cli import ask
from notify import migrate, settings


def cmd_db_upgrade(args) -> int:
    migrate.upgrade(settings.from_config(settings.load_config(args.config)).db_url)
    print("database schema is up to date / データベースは最新です")
    return 0


def _call(args, method: str, *params) -> int:
    return ask(settings.load_config(args.config)["AMQP_URI"], "notify", method, *params)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="notify", description=__doc__)
    parser.add_argument("--config", default=os.environ.get("NOTIFY_CONFIG", settings.CONFIG_PATH))
    sub = parser.add_subparsers(required=True)
    sub.add_parser("db-upgrade", help="create or migrate the schema").set_defaults(run=cmd_db_upgrade)
    sub.add_parser("health", help="backlog figures of the running service").set_defaults(
        run=lambda a: _call(a, "health"))
    prog = sub.add_parser("progress", help="sent / failed / pending of one customer notice request")
    prog.add_argument("request_id")
    prog.set_defaults(run=lambda a: _call(a, "notice_progress", a.request_id))
    log = sub.add_parser("log", help="the delivery log, newest first")
    log.add_argument("--status", choices=("pending", "sending", "sent", "failed"))
    log.add_argument("--limit", type=int, default=20)
    log.set_defaults(run=lambda a: _call(a, "delivery_log", a.status, None, None, None, a.limit))
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
