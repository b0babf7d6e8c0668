"""notify's transactional outbox (the mechanics live in servicekit)."""
from notify.models import OutboxMessage
from servicekit.outbox import Outbox

OUTBOX = Outbox(OutboxMessage)
