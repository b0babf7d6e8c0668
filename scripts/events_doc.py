"""Write docs/events.md from the contracts package (run after changing an event)."""
import json
import sys
from pathlib import Path

from contracts.events import Event
from contracts.examples import EXAMPLES

OUT = Path(__file__).resolve().parent.parent / "docs" / "events.md"

HEADER = """# Events

Generated from `services/contracts/contracts/events.py` by `scripts/events_doc.py`;
a test fails when this file and the contracts disagree.

**Wire format.** Each event is published by the service that owns it (its `source`: custody,
incident or notify) on the durable topic exchange `<source>.events` with the event name as
routing key, a JSON body (`content_type=application/json`, `delivery_mode=2`) and the AMQP
`message_id` set to `event_id`, through that service's transactional outbox. Any nameko service
subscribes with `@event_handler("<source>", "<name>")`; any AMQP client binds a queue to the
exchange.

**Envelope.** Every body has `event_id` (UUID, unique per occurrence: consumers de-duplicate on
it, because delivery is at-least-once), `occurred_at` (ISO 8601, UTC) and `version` (bumped on
an incompatible change). Parse with `contracts.events.parse_event(name, body)`.

**Personal data.** Events carry names and emails because the incident and notify services need
them; never log a body. Card UIDs and card hashes are never in an event.
"""


def render() -> str:
    parts = [HEADER]
    for event in EXAMPLES:
        cls: type[Event] = type(event)
        doc = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ and cls.__doc__ != Event.__doc__ else ""
        fields = ", ".join(f"`{name}`" for name in cls.model_fields if name not in ("event_id", "occurred_at", "version"))
        intro = doc + "\n\n" if doc else ""
        parts.append(f"## `{cls.event_type}` (from `{cls.source}`)\n\n{intro}Fields: {fields}.\n\n"
                     f"```json\n{json.dumps(event.to_wire(), ensure_ascii=False, indent=2)}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
