"""custody's ledger entry for an asset a person reports lost (read over RabbitMQ, best effort)."""
from __future__ import annotations

import logging

from pydantic import ValidationError

import contracts.rpc  # noqa: F401  (refusals arrive as CustodyRefusal)
from contracts.answers import Asset, AssetWithHistory, EmployeeWithManager
from contracts.errors import CustodyRefusal
from servicekit.remote import Unavailable, call

log = logging.getLogger(__name__)


def lookup(amqp_uri: str, tag: str, timeout: float = 3) -> Asset | None:
    """custody's ``get_asset(tag)``, or None when the tag is not in the ledger or custody does not answer
    in time: a loss report must never wait on, or fail because of, another service."""
    try:
        answer = call(amqp_uri, "custody", "get_asset", tag, timeout=timeout, expected=(CustodyRefusal,))
        return AssetWithHistory.model_validate(answer)
    except CustodyRefusal:
        return None
    except Unavailable as exc:  # broker or custody unavailable: the report goes on without it
        log.warning("custody's ledger unavailable for a loss report: %s", exc)
        return None
    except ValidationError as exc:  # an answer not of the contract (versions apart): go on without it
        log.warning("custody's ledger answer for a loss report is not an asset: %d problem(s)", exc.error_count())
        return None


def employee(amqp_uri: str, number: str, timeout: float = 3) -> EmployeeWithManager | None:
    """custody's ``get_employee(number)`` (with the manager), or None when the number is not in the ledger or custody
    does not answer in time: the report goes on with what the reporter typed."""
    try:
        answer = call(amqp_uri, "custody", "get_employee", number, timeout=timeout, expected=(CustodyRefusal,))
        return EmployeeWithManager.model_validate(answer)
    except CustodyRefusal:
        return None
    except Unavailable as exc:
        log.warning("custody's ledger unavailable for an employee lookup: %s", exc)
        return None
    except ValidationError as exc:
        log.warning("custody's answer for an employee lookup is not an employee: %d problem(s)", exc.error_count())
        return None
