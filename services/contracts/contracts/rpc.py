"""Make refusals arrive at nameko RPC callers as CustodyRefusal, not as a bare RemoteError; and keep a
caller's log free of amqp's note about a publisher confirm that came after the call had already failed."""
import logging

from nameko.exceptions import deserialize_to_instance

from contracts.errors import CustodyRefusal, IncidentRefusal

deserialize_to_instance(CustodyRefusal)
deserialize_to_instance(IncidentRefusal)

BASIC_ACK = (60, 80)


class LateConfirmFilter(logging.Filter):
    """A call to a service that is not consuming (not started yet, or stopped) is returned by the broker
    as unroutable and fails at once as UnknownService, which the caller reports. The broker's confirm of
    that message (basic.ack) arrives while the channel is closing, and amqp warns that it ignored it
    ("Received method (60, 80) during closing channel"): a second, misleading line for the same fact.
    Only that method is dropped; any other method ignored during a close is still logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not ("during closing channel" in str(record.msg) and args and tuple(args[0]) == BASIC_ACK)


def quiet_late_confirms() -> None:
    """Install the filter on amqp's logger (once; an RPC caller calls it when it sets up logging)."""
    logger = logging.getLogger("amqp")
    if not any(isinstance(f, LateConfirmFilter) for f in logger.filters):
        logger.addFilter(LateConfirmFilter())
