"""Build a safe MIME message from a rendered e-mail and send it over SMTP."""
from __future__ import annotations

import email.errors
import email.policy
import email.utils
import logging
import dataclasses
import smtplib
import socket
import ssl
import unicodedata
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Literal

from notify.exceptions import InvalidHeader
from notify.render import Rendered

log = logging.getLogger(__name__)
# SMTP line endings; 7bit so UTF-8 bodies go out as base64/quoted-printable and any relay accepts them
POLICY = email.policy.SMTP.clone(cte_type="7bit")
Security = Literal["none", "starttls", "ssl"]


def _check(field: str, value: str) -> str:
    """Refuse control characters (CR, LF, NUL...) and Unicode line breaks in a header value."""
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in value):
        raise InvalidHeader(f"{field} contains a line break or control character: {value!r}")
    return value


def _address(field: str, who: tuple[str, str]) -> Address:
    """A (display name, address) pair as an Address, refusing anything that could add headers."""
    name, addr = (_check(field, part) for part in who)
    if addr.count("@") != 1 or not addr.split("@")[1]:
        raise InvalidHeader(f"{field} is not a single e-mail address: {addr!r}")
    try:
        return Address(display_name=name, addr_spec=addr)
    except (ValueError, IndexError, email.errors.MessageError) as exc:  # the stdlib parser's own refusals
        raise InvalidHeader(f"{field} address {addr!r} is not valid: {exc}") from exc


def build_message(sender: tuple[str, str], to: tuple[str, str], rendered: Rendered, message_id: str) -> EmailMessage:
    """A multipart/alternative message (text, HTML) with RFC 2047-encoded Japanese headers."""
    from_, to_ = _address("From", sender), _address("To", to)
    subject = _check("Subject", rendered.subject)
    message_id = _check("Message-ID", message_id.strip("<>"))
    if " " in message_id or "@" not in message_id:
        raise InvalidHeader(f"Message-ID must look like local@domain: {message_id!r}")
    msg = EmailMessage(policy=POLICY)
    msg["From"] = from_
    msg["To"] = to_
    msg["Subject"] = subject
    msg["Date"] = email.utils.formatdate(localtime=False)
    msg["Message-ID"] = f"<{message_id}>"
    # automatic mail: ask auto-responders (out-of-office) not to answer it
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(rendered.text, subtype="plain", charset="utf-8")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8")
    return msg


@dataclass(frozen=True)
class SendResult:
    accepted: bool
    permanent: bool  # True: retrying will not help (5xx); False with accepted=False: retry later
    code: int | None
    response: str


def _refused(code: int, response: bytes | str) -> SendResult:
    text = response.decode("utf-8", "replace") if isinstance(response, bytes) else str(response)
    return SendResult(accepted=False, permanent=500 <= code < 600, code=code, response=f"{code} {text}")


class Mailer:
    """Sends one message per connection to an SMTP relay; credentials come from the caller."""

    def __init__(self, host: str, port: int, security: Security = "none", username: str | None = None,
                 password: str | None = None, timeout: float = 10, local_hostname: str | None = None,
                 ca_file: str | None = None) -> None:
        if security not in ("none", "starttls", "ssl"):
            raise ValueError(f"security must be none, starttls or ssl, not {security!r}")
        self.host, self.port, self.security, self.timeout = host, port, security, timeout
        self._username, self._password = username, password
        # smtplib looks up our FQDN for EHLO on every connection (a DNS round trip each): do it once
        self.local_hostname = local_hostname or socket.getfqdn()
        self.ca_file = ca_file or None  # a relay with a certificate from a company CA
        self._context: ssl.SSLContext | None = None

    def __repr__(self) -> str:  # never show the password, e.g. in a traceback or a log line
        return f"Mailer({self.host!r}, {self.port}, security={self.security!r}, username={self._username!r})"

    def _connect(self) -> smtplib.SMTP:
        # loading the CA bundle costs ~80 ms: once per mailer, and only when TLS is used
        if self._context is None and self.security != "none":
            self._context = ssl.create_default_context(cafile=self.ca_file)
        context = self._context
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, self.local_hostname, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, self.local_hostname, timeout=self.timeout)
        if self.security == "starttls":
            smtp.starttls(context=context)
        return smtp

    def _deliver(self, message: EmailMessage) -> dict:
        smtp = self._connect()
        try:
            if self._username:
                smtp.login(self._username, self._password or "")
            return smtp.send_message(message)
        finally:
            # the message is already accepted or refused: a failing QUIT must not turn it into a retry
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def send(self, message: EmailMessage) -> SendResult:
        """Send; 2xx accepted, 5xx permanent failure, 4xx and network trouble temporary."""
        try:
            refused = self._deliver(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, response = next(iter(exc.recipients.values()))
            result = _refused(code, response)
        except (smtplib.SMTPSenderRefused, smtplib.SMTPAuthenticationError) as exc:
            # our own sender address or credentials: the relay's set-up is wrong, not this message;
            # keep it for a retry once ops fixed it instead of dropping every notification
            result = dataclasses.replace(_refused(exc.smtp_code, exc.smtp_error), permanent=False)
        except smtplib.SMTPResponseException as exc:  # message refused at DATA, ...
            result = _refused(exc.smtp_code, exc.smtp_error)
        except (smtplib.SMTPException, OSError) as exc:  # disconnects, refused connections, timeouts, TLS
            result = SendResult(accepted=False, permanent=False, code=None, response=f"{type(exc).__name__}: {exc}")
        else:
            if refused:  # some recipients refused, others accepted: report the refusal
                code, response = next(iter(refused.values()))
                result = _refused(code, response)
            else:
                result = SendResult(accepted=True, permanent=False, code=250, response="250 accepted")
        log.info("smtp %s:%s message %s: %s", self.host, self.port, message["Message-ID"], result.response)
        return result
