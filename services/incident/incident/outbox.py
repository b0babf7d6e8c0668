"""incident's transactional outbox (the mechanics live in servicekit)."""
from incident.models import OutboxMessage
from servicekit.outbox import Outbox

OUTBOX = Outbox(OutboxMessage)
add, pending_count = OUTBOX.add, OUTBOX.pending_count
