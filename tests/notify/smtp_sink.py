"""A throw-away SMTP server for the notify tests, run as its own process (no eventlet in it).

Usage: python smtp_sink.py FOLDER [PORT]. Listens on 127.0.0.1 (a free port unless given), writes it to FOLDER/port;
stores each message as FOLDER/mail/<n>.eml plus <n>.json (envelope); answers a recipient listed
in FOLDER/rules.json ({"addr": "550 5.1.1 no such user"}) with that reply instead of 250.
TLS and log-in are set by environment variables (see smtp_options).
"""
from __future__ import annotations

import asyncio
import itertools
import json
import os
import ssl
import sys
from pathlib import Path

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    """aiosmtpd handler: refuses recipients by rule, stores what it accepts."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.numbers = itertools.count(1)

    def _rules(self) -> dict:
        rules = self.folder / "rules.json"
        return json.loads(rules.read_text()) if rules.exists() else {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Refuse a recipient the test named, accept any other."""
        reply = self._rules().get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        """Store the raw message and its envelope; rename last so a reader never sees half a file."""
        mail = self.folder / "mail"
        n = next(self.numbers)
        (mail / f"{n}.eml").write_bytes(envelope.original_content)
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}
        (mail / f"{n}.tmp").write_text(json.dumps(meta))
        os.replace(mail / f"{n}.tmp", mail / f"{n}.json")
        return f"250 2.0.0 queued as {n}"


class Login:
    """aiosmtpd authenticator for the one account in SINK_AUTH ("user:password")."""

    def __init__(self, account: str) -> None:
        self.user, _, self.password = account.partition(":")

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and \
            (auth_data.login.decode(), auth_data.password.decode()) == (self.user, self.password)
        return AuthResult(success=ok, handled=False)


def smtp_options() -> tuple[dict, ssl.SSLContext | None]:
    """TLS and log-in like a company relay, from the environment: SINK_TLS=starttls|ssl with
    SINK_CERT (key and chain, PEM), SINK_AUTH=user:password; plain SMTP when unset."""
    mode, options = os.environ.get("SINK_TLS", ""), {}
    context = None
    if mode:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(os.environ["SINK_CERT"])
    if mode == "starttls":
        options.update(tls_context=context, require_starttls=True)
    if os.environ.get("SINK_AUTH"):
        # with implicit TLS aiosmtpd does not know the connection is encrypted and would hide AUTH
        options.update(authenticator=Login(os.environ["SINK_AUTH"]), auth_required=True,
                       auth_require_tls=mode == "starttls")
    return options, context if mode == "ssl" else None


async def main(folder: Path, port: int = 0) -> None:
    (folder / "mail").mkdir(parents=True, exist_ok=True)
    handler = Sink(folder)
    loop = asyncio.get_running_loop()
    options, implicit_tls = smtp_options()
    # a fixed hostname: aiosmtpd would otherwise look up the FQDN, which can be slow
    server = await loop.create_server(lambda: SMTP(handler, hostname="sink.test", **options), "127.0.0.1", port,
                                      ssl=implicit_tls)
    port = server.sockets[0].getsockname()[1]
    (folder / "port.tmp").write_text(str(port))
    os.replace(folder / "port.tmp", folder / "port")
    await asyncio.Event().wait()  # until the fixture terminates the process


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0))
