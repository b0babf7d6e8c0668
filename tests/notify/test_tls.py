"""notify against a relay like a company's: STARTTLS or implicit TLS with a certificate from the
company's own CA, and a log-in. The relay is aiosmtpd with a throw-away CA (trustme)."""
from __future__ import annotations

import pytest
import trustme

from contracts.events import PossibleLossDetected
from contracts.examples import EXAMPLES
from notify.mailer import Mailer, build_message
from notify import context
from notify.render import render
from notify.settings import Smtp
from tests.notify.conftest import SinkProcess, plain_settings

EVENT = next(e for e in EXAMPLES if isinstance(e, PossibleLossDetected))
ACCOUNT = ("notify-relay", "s3cret-relay-pass")


@pytest.fixture(scope="module")
def company_ca(tmp_path_factory):
    """A CA of our own and the relay's certificate for 127.0.0.1, as PEM files."""
    folder = tmp_path_factory.mktemp("ca")
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(str(folder / "relay.pem"))
    return folder


@pytest.fixture(scope="module", params=["starttls", "ssl"])
def relay(request, company_ca, tmp_path_factory):
    process = SinkProcess(tmp_path_factory.mktemp(f"relay-{request.param}"),
                          env={"SINK_TLS": request.param, "SINK_CERT": str(company_ca / "relay.pem"),
                               "SINK_AUTH": ":".join(ACCOUNT)})
    process.sink.security = request.param
    yield process.sink
    process.stop()


def message():
    rendered = render("possible_loss_holder", "en", context.possible_loss(EVENT, plain_settings()))
    return build_message(("機器管理システム", "custody@example.co.jp"), (EVENT.holder.name, EVENT.holder.email), rendered,
                         message_id="<tls-1@notify.test>")


def mailer(relay, company_ca, **changes) -> Mailer:
    options = {"security": relay.security, "username": ACCOUNT[0], "password": ACCOUNT[1],
               "ca_file": str(company_ca / "ca.pem"), "timeout": 5} | changes
    return Mailer("127.0.0.1", relay.port, **options)


def test_mail_goes_through_tls_and_log_in_with_the_company_ca(relay, company_ca):
    relay.reset()
    result = mailer(relay, company_ca).send(message())
    assert result.accepted, result.response
    (envelope, received), = relay.received()
    assert envelope["rcpt_tos"] == [EVENT.holder.email] and received["Message-ID"] == "<tls-1@notify.test>"


def test_a_relay_whose_certificate_is_not_trusted_gets_nothing_and_it_is_retried_later(relay, company_ca):
    relay.reset()
    result = mailer(relay, company_ca, ca_file=None).send(message())  # the system CAs do not know ours
    assert not result.accepted and not result.permanent and "CERTIFICATE_VERIFY_FAILED" in result.response
    assert relay.received() == []


def test_a_wrong_password_is_kept_for_a_retry_and_never_shown(relay, company_ca):
    relay.reset()
    wrong = mailer(relay, company_ca, password="not-the-password")
    result = wrong.send(message())
    assert not result.accepted and not result.permanent and result.code == 535
    assert "not-the-password" not in result.response + repr(wrong)
    assert relay.received() == []


@pytest.mark.parametrize("relay", ["starttls"], indirect=True)  # an implicit-TLS relay never speaks plain SMTP
def test_plain_smtp_to_a_relay_that_requires_starttls_is_refused_before_any_data(relay, company_ca):
    relay.reset()
    result = mailer(relay, company_ca, security="none", username=None).send(message())
    assert not result.accepted and not result.permanent and result.code == 530
    assert relay.received() == []


def test_a_ca_file_that_cannot_be_read_stops_start_up_naming_it(tmp_path):
    with pytest.raises(ValueError, match="cannot read the CA file"):
        Smtp(security="starttls", ca_file=str(tmp_path / "missing.pem"))
