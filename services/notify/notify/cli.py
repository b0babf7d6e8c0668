"""``notify``: migrations and read-outs of the running service (``python -m notify.cli``)."""
from __future__ import annotations

import sys

from notify import migrate, settings
from servicekit.cli import ServiceCli, ask


def _call(args, method: str, *params) -> int:
    return ask(settings.load_config(args.config)["AMQP_URI"], "notify", method, *params)


def main(argv: list[str] | None = None) -> int:
    cli = ServiceCli("notify", __doc__, settings.CONFIG_PATH, health_timeout=10,
                     upgrade=lambda config: migrate.upgrade(settings.from_config(config).db_url))
    prog = cli.command("progress", lambda a: _call(a, "notice_progress", a.request_id),
                       "sent / failed / pending of one customer notice request")
    prog.add_argument("request_id")
    log = cli.command("log", lambda a: _call(a, "delivery_log", a.status, None, None, None, a.limit),
                      "the delivery log, newest first")
    log.add_argument("--status", choices=("pending", "sending", "sent", "failed"))
    log.add_argument("--limit", type=int, default=20)
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
