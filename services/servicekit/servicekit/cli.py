"""What every service's command line shares: ``--config``, ``db-upgrade``, ``health`` (asking the running
service over RabbitMQ), and running the chosen command."""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Callable

from servicekit.config import load_config
from servicekit.remote import Unavailable, call


def ask(amqp_uri: str, service: str, method: str, *params, timeout: float = 10) -> int:
    """Call an RPC of the running service and print the answer; exit code 1 if it does not answer, or
    answers ``"ok": false`` (the docker health checks rely on this)."""
    try:
        answer = call(amqp_uri, service, method, *params, timeout=timeout)
    except Unavailable as exc:  # any failure means unhealthy; say which
        print(f"{service} not answering / 応答なし: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(answer, ensure_ascii=False, indent=1) if not isinstance(answer, str) else answer)
    if isinstance(answer, dict) and answer.get("ok") is False:
        failing = [name for name, check in answer.get("checks", {}).items() if not check.get("ok")]
        print(f"{service} not ready / 準備ができていません: {', '.join(failing) or '?'}", file=sys.stderr)
        return 1
    return 0


class ServiceCli:
    """A service's command line: ``--config`` (default ``$<SERVICE>_CONFIG``, else its config.yml),
    ``db-upgrade`` (``upgrade(config)`` migrates the database the config names) and ``health``; the
    service adds its own commands with ``command()``. Each command's ``run(args)`` gives the exit code."""

    def __init__(self, service: str, description: str, config_path: os.PathLike,
                 upgrade: Callable[[dict], None], health_timeout: float = 5):
        self.service, self.health_timeout, self.upgrade = service, health_timeout, upgrade
        self.parser = argparse.ArgumentParser(prog=service, description=description)
        self.parser.add_argument("--config", default=os.environ.get(f"{service.upper()}_CONFIG", str(config_path)))
        self.commands = self.parser.add_subparsers(dest="command", required=True)
        self.command("db-upgrade", self._db_upgrade, "create or migrate the schema")
        self.command("health", self._health, "ask the running service whether it is ready, and its figures "
                     "(exit 1 if it does not answer or is not ready)")

    def command(self, name: str, run: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        """Add a command; add its arguments to the parser returned."""
        parser = self.commands.add_parser(name, help=help)
        parser.set_defaults(run=run)
        return parser

    def main(self, argv: list[str] | None = None) -> int:
        args = self.parser.parse_args(argv)
        return args.run(args)

    def _db_upgrade(self, args) -> int:
        self.upgrade(load_config(args.config))
        print("database schema is up to date / データベースは最新です")
        return 0

    def _health(self, args) -> int:
        """Exit 1 if the running service does not answer or is not ready (the docker health check)."""
        return ask(load_config(args.config)["AMQP_URI"], self.service, "health", timeout=self.health_timeout)
